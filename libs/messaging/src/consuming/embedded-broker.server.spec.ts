import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import type { EachMessagePayload } from 'kafkajs';
import { newEvent } from '#atlas/contracts';
import {
  startEmbeddedConsumerApp,
  type HandledWidget,
  widgetHandlers,
} from '../../test/embedded-consumer-app.js';
import { startConsumer } from '../../test/embedded-fixtures.js';
import { eventually } from '#atlas/testing';
import { silentLogger } from '../../test/silent-logger.js';
import { topicSpecs, widgetRegistered } from '../../test/test-contracts.js';
import { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { partitionForKey } from '../partitioning/key-partitioner.js';
import { consumerGroupId } from '../service-identity.js';
import { DeadLetterHeaders } from './dead-letter-headers.js';

const WidgetRegistered = widgetRegistered('widgets.widget-registered.v1');
const DLQ = `${WidgetRegistered.topic}.dlq`;

let broker: EmbeddedBroker;
let app: INestMicroservice | undefined;

beforeEach(() => {
  broker = new EmbeddedBroker({
    logger: silentLogger,
    redelivery: { initialDelayMs: 2, maxDelayMs: 10 },
  });
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await broker.close();
});

function widget(name = 'sprocket') {
  return newEvent(WidgetRegistered, { widgetId: randomUUID(), name });
}

async function publish(value: string, key: string): Promise<void> {
  await broker.send({ topic: WidgetRegistered.topic, messages: [{ key, value }] });
}

async function deadLetters(): Promise<EachMessagePayload[]> {
  const seen: EachMessagePayload[] = [];
  await startConsumer(broker, `dlq-reader-${randomUUID()}`, [DLQ], async (payload) => {
    seen.push(payload);
  });
  return seen;
}

describe('EmbeddedBrokerServer with @OnEvent handlers', () => {
  it('creates its topics and hands each handler the validated event and a KafkaContext', async () => {
    const handled: HandledWidget[] = [];
    app = await startEmbeddedConsumerApp({
      broker,
      service: 'widgets',
      topics: topicSpecs(WidgetRegistered.topic),
      handlers: widgetHandlers(WidgetRegistered, async () => undefined, handled),
    });
    const event = widget();
    await publish(JSON.stringify({ ...event, extra: 'stripped' }), event.widgetId);

    await eventually(() => expect(handled).toHaveLength(1));
    expect(handled[0]?.event).toEqual(event);
    expect(handled[0]?.key).toBe(event.widgetId);
    expect(handled[0]?.partition).toBe(partitionForKey(event.widgetId, 3));
    expect(broker.describeGroup(consumerGroupId('widgets')).members).toHaveLength(1);
  });

  it('dead-letters an invalid message and goes on with the next one on the same partition', async () => {
    const handled: HandledWidget[] = [];
    app = await startEmbeddedConsumerApp({
      broker,
      service: 'widgets',
      topics: topicSpecs(WidgetRegistered.topic, 1),
      handlers: widgetHandlers(WidgetRegistered, async () => undefined, handled),
    });
    await publish('{"widgetId":"broken"}', 'k');
    const good = widget();
    await publish(JSON.stringify(good), 'k');

    await eventually(() => expect(handled.map((h) => h.event.eventId)).toEqual([good.eventId]));
    const dead = await deadLetters();
    await eventually(() => expect(dead).toHaveLength(1));
    expect(dead[0]?.message.value?.toString()).toBe('{"widgetId":"broken"}');
    expect(dead[0]?.message.headers?.[DeadLetterHeaders.reason]?.toString()).toBe(
      'invalid-payload',
    );
    const [offsets] = await broker.fetchOffsets({
      groupId: consumerGroupId('widgets'),
      topics: [WidgetRegistered.topic],
    });
    expect(offsets?.partitions[0]?.offset).toBe('2');
  });

  it('dead-letters a message whose handler keeps failing, after its retries', async () => {
    let attempts = 0;
    app = await startEmbeddedConsumerApp({
      broker,
      service: 'widgets',
      topics: topicSpecs(WidgetRegistered.topic, 1),
      handlers: widgetHandlers(WidgetRegistered, async () => {
        attempts++;
        throw new Error('always');
      }, []),
    });
    const event = widget();
    await publish(JSON.stringify(event), event.widgetId);

    const dead = await deadLetters();
    await eventually(() => expect(dead).toHaveLength(1));
    expect(attempts).toBe(3);
    expect(dead[0]?.message.headers?.[DeadLetterHeaders.reason]?.toString()).toBe('handler-failed');
    expect(dead[0]?.message.key?.toString()).toBe(event.widgetId);
  });

  it('leaves the consumer group when the app closes', async () => {
    app = await startEmbeddedConsumerApp({
      broker,
      service: 'widgets',
      topics: topicSpecs(WidgetRegistered.topic),
      handlers: widgetHandlers(WidgetRegistered, async () => undefined, []),
    });
    expect(broker.describeGroup(consumerGroupId('widgets')).members).toHaveLength(1);
    await app.close();
    app = undefined;
    expect(broker.describeGroup(consumerGroupId('widgets')).members).toEqual([]);
  });

  it('refuses to start a handler on a topic that has no definition', async () => {
    await expect(
      startEmbeddedConsumerApp({
        broker,
        service: 'widgets',
        topics: [],
        handlers: widgetHandlers(WidgetRegistered, async () => undefined, []),
      }),
    ).rejects.toThrow(`No topic definition for ${WidgetRegistered.topic}`);
  });
});
