import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, testKafka } from '#atlas/testing';
import type { BrokerConnection } from '../src/broker-connection.js';
import type { DeadLetterQueues } from '../src/dead-letters/dead-letter-queues.js';
import { EmbeddedDeadLetterQueues } from '../src/dead-letters/embedded.dead-letter-queues.js';
import { KafkaDeadLetterQueues } from '../src/dead-letters/kafka.dead-letter-queues.js';
import { EmbeddedBroker } from '../src/embedded/embedded-broker.js';
import { silentLogger } from './silent-logger.js';

export interface ReadMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/** The broker a suite runs against, and what its assertions need to ask it. */
export interface TestBroker {
  readonly kind: 'kafka' | 'embedded';
  readonly connection: BrokerConnection;
  /** Reads a topic from the start until at least `count` messages arrived. */
  readTopic(topic: string, count: number): Promise<ReadMessage[]>;
  /** How many messages the topic holds, over all partitions. */
  messageCount(topic: string): Promise<number>;
  partitionCount(topic: string): Promise<number>;
  /** Offsets the group committed on the topic, summed over partitions. */
  committedCount(groupId: string, topic: string): Promise<number>;
  groupMemberCount(groupId: string): Promise<number>;
  /** What `npm run dlq` uses on this broker. */
  deadLetterQueues(): DeadLetterQueues;
  close(): Promise<void>;
}

/**
 * The run's Kafka as #atlas/testing found it, or (only where the harness allows the fallback,
 * and says so) an embedded broker.
 */
export function brokerUnderTest(): TestBroker {
  const target = testKafka();
  return target.kind === 'real'
    ? kafkaTestBroker(target.brokers)
    : embeddedTestBroker(new EmbeddedBroker({ logger: silentLogger }));
}

function text(value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.toString();
}

export function kafkaTestBroker(brokers: string[]): TestBroker {
  const kafka = new Kafka({
    clientId: 'atlas-messaging-tests',
    brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const connected = admin.connect();
  return {
    kind: 'kafka',
    connection: { kind: 'kafka', brokers },
    async readTopic(topic, count) {
      const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
      const messages: ReadMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            messages.push({
              partition,
              offset: message.offset,
              key: text(message.key),
              value: text(message.value),
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              ),
            });
          },
        });
        await eventually(() => expect(messages.length).toBeGreaterThanOrEqual(count), {
          timeoutMs: 30_000,
        });
        return messages;
      } finally {
        await consumer.disconnect();
      }
    },
    async messageCount(topic) {
      await connected;
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    },
    async partitionCount(topic) {
      await connected;
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions.length ?? 0;
    },
    async committedCount(groupId, topic) {
      await connected;
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    },
    async groupMemberCount(groupId) {
      await connected;
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.members.length ?? 0;
    },
    deadLetterQueues: () => new KafkaDeadLetterQueues(brokers),
    async close() {
      await connected;
      await admin.disconnect();
    },
  };
}

export function embeddedTestBroker(broker: EmbeddedBroker): TestBroker {
  return {
    kind: 'embedded',
    connection: { kind: 'embedded', broker },
    async readTopic(topic, count) {
      const consumer = broker.consumer({ groupId: `reader-${randomUUID()}` });
      const messages: ReadMessage[] = [];
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          messages.push({
            partition,
            offset: message.offset,
            key: text(message.key),
            value: text(message.value),
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            ),
          });
        },
      });
      try {
        await eventually(() => expect(messages.length).toBeGreaterThanOrEqual(count));
        return messages;
      } finally {
        await consumer.disconnect();
      }
    },
    async messageCount(topic) {
      const offsets = await broker.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    },
    async partitionCount(topic) {
      return broker.partitionsOf(topic);
    },
    async committedCount(groupId, topic) {
      const [offsets] = await broker.fetchOffsets({ groupId, topics: [topic] });
      return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    },
    async groupMemberCount(groupId) {
      return broker.describeGroup(groupId).members.length;
    },
    deadLetterQueues: () => new EmbeddedDeadLetterQueues(broker),
    async close() {
      await broker.close();
    },
  };
}
