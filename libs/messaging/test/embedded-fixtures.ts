import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EachMessagePayload } from 'kafkajs';
import type { EmbeddedBroker } from '../src/embedded/embedded-broker.js';
import type { EmbeddedConsumer, GroupJoinPayload } from '../src/embedded/embedded-consumer.js';

export interface Received {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

export function received(payload: EachMessagePayload): Received {
  return {
    topic: payload.topic,
    partition: payload.partition,
    offset: Number(payload.message.offset),
    key: payload.message.key?.toString() ?? null,
    value: payload.message.value?.toString() ?? null,
  };
}

/** Resolves with the next GROUP_JOIN of this consumer (register before run()). */
export function nextGroupJoin(consumer: EmbeddedConsumer): Promise<GroupJoinPayload> {
  return new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      remove();
      resolve(event.payload);
    });
  });
}

/** Subscribes, runs and waits until the consumer has its first assignment. */
export async function startConsumer(
  broker: EmbeddedBroker,
  groupId: string,
  topics: string[],
  eachMessage: (payload: EachMessagePayload) => Promise<void>,
  partitionsConsumedConcurrently = 1,
): Promise<EmbeddedConsumer> {
  const consumer = broker.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const joined = nextGroupJoin(consumer);
  await consumer.run({ eachMessage, partitionsConsumedConcurrently });
  await joined;
  return consumer;
}

export function temporaryDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'atlas-embedded-broker-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
