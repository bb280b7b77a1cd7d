import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { trace } from '@opentelemetry/api';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { DataSource } from 'typeorm';
import { newEvent } from '#atlas/contracts';
import {
  createTestDatabase,
  eventually,
  gate,
  type TestDatabase,
  uniqueName,
} from '#atlas/testing';
import { brokerUnderTest, type TestBroker } from '../test/test-broker.js';
import { topicSpecs, widgetRegistered, type WidgetRegistered } from '../test/test-contracts.js';
import { effectsOf, openTestDataSource } from '../test/test-data-source.js';
import { installTestTracing } from '../test/tracing.js';
import {
  startWidgetService,
  type WidgetDelivery,
  type WidgetFaults,
  widgetHandlers,
} from '../test/widget-service.js';
import { DeadLetterHeaders } from './consuming/dead-letter-headers.js';
import { runDeadLetterCommand } from './dead-letters/dead-letter.command.js';
import { BrokerHealthCheck } from './health/broker.health-check.js';
import { createKafkaClient } from './kafka/kafka-client.js';
import {
  MESSAGING_OPTIONS,
  resolveMessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging-options.js';
import { OutboxRelay } from './outbox/outbox.relay.js';
import { OutboxService } from './outbox/outbox.service.js';
import { OutboxStore } from './outbox/outbox.store.js';
import { partitionForKey } from './partitioning/key-partitioner.js';
import { MessagePublisher } from './publishing/message-publisher.js';
import { consumerGroupId } from './service-identity.js';
import { MessagingMetrics } from './metrics/messaging.metrics.js';
import { BrokerAdmin } from './topics/broker-admin.js';
import { KafkaBrokerAdmin } from './topics/kafka.broker-admin.js';

// Each test owns a database, a topic (with its .dlq) and a service name (its consumer group).
let spans: InMemorySpanExporter;
let broker: TestBroker;
let db: TestDatabase;
let dataSource: DataSource;
let contract: WidgetRegistered;
let service: string;
let deliveries: WidgetDelivery[];
let faults: WidgetFaults;
let app: NestFastifyApplication | undefined;

beforeAll(() => {
  spans = installTestTracing();
});

beforeEach(async () => {
  broker = brokerUnderTest();
  db = await createTestDatabase('messaging');
  dataSource = await openTestDataSource(db.url, db.kind);
  contract = widgetRegistered(uniqueName('it.widget-registered.v1'));
  service = uniqueName('widgets');
  deliveries = [];
  faults = { failingNames: new Set(['explode']) };
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await dataSource.destroy();
  await db.drop();
  await broker.close();
});

async function start(relay?: {
  enabled?: boolean;
  batchSize?: number;
}): Promise<NestFastifyApplication> {
  app = await startWidgetService({
    service,
    broker: broker.connection,
    dataSource,
    topics: topicSpecs(contract.topic),
    handlers: widgetHandlers(contract, deliveries, faults),
    ...(relay ? { relay } : {}),
  });
  return app;
}

function widget(name = 'sprocket', widgetId: string = randomUUID()) {
  return newEvent(contract, { widgetId, name });
}

async function enqueue(
  running: NestFastifyApplication,
  event: ReturnType<typeof widget>,
): Promise<void> {
  const outbox = running.get(OutboxService);
  await dataSource.transaction((manager) => outbox.enqueue(manager, contract, event));
}

async function publishRaw(
  running: NestFastifyApplication,
  key: string,
  value: string,
  headers: Record<string, string> = {},
): Promise<void> {
  await running.get(MessagePublisher).publish([{ topic: contract.topic, key, value, headers }]);
}

describe('messaging on the real broker', () => {
  it('creates the topics at start and delivers a published event to its @OnEvent handler', async () => {
    const running = await start();
    expect(await broker.partitionCount(contract.topic)).toBe(3);
    expect(await broker.partitionCount(`${contract.topic}.dlq`)).toBe(1);

    const event = widget();
    await publishRaw(running, event.widgetId, JSON.stringify(event));

    await eventually(() => expect(deliveries.map((d) => d.event)).toEqual([event]), {
      timeoutMs: 30_000,
    });
    const [stored] = await broker.readTopic(contract.topic, 1);
    expect(stored?.partition).toBe(partitionForKey(event.widgetId, 3));
  });

  it('relays an outbox row to the broker, continues its trace, and applies it once through the inbox', async () => {
    const running = await start();
    const event = widget();
    const traceId = await trace.getTracer('test').startActiveSpan('POST /widgets', async (span) => {
      await enqueue(running, event);
      span.end();
      return span.spanContext().traceId;
    });
    running.get(OutboxRelay).wake();

    await eventually(async () => expect(await effectsOf(dataSource, event.eventId)).toBe(1), {
      timeoutMs: 30_000,
    });
    const [row] = await dataSource.query('SELECT published_at, attempts FROM outbox');
    expect(row).toMatchObject({ attempts: 1, published_at: expect.any(Date) });
    const consumerSpan = spans
      .getFinishedSpans()
      .find((s) => s.name === `process ${contract.topic}`);
    expect(consumerSpan?.spanContext().traceId).toBe(traceId);
  });

  it('applies an event delivered twice only once', async () => {
    const running = await start();
    const event = widget();
    const later = widget('gear', event.widgetId); // same key: same partition, after the duplicates
    await publishRaw(running, event.widgetId, JSON.stringify(event));
    await publishRaw(running, event.widgetId, JSON.stringify(event));
    await publishRaw(running, later.widgetId, JSON.stringify(later));

    await eventually(async () => expect(await effectsOf(dataSource, later.eventId)).toBe(1), {
      timeoutMs: 30_000,
    });
    expect(deliveries.filter((d) => d.event.eventId === event.eventId)).toHaveLength(2);
    expect(await effectsOf(dataSource, event.eventId)).toBe(1);
  });

  it('publishes, after a restart, an event committed by a process that died before publishing it', async () => {
    // The first process commits the change and its outbox row, and is gone before its relay ran.
    const first = await start({ enabled: false });
    const event = widget();
    await enqueue(first, event);
    await first.close();
    app = undefined;
    expect(await broker.messageCount(contract.topic)).toBe(0);

    await start();
    await eventually(async () => expect(await effectsOf(dataSource, event.eventId)).toBe(1), {
      timeoutMs: 30_000,
    });
    expect(await broker.messageCount(contract.topic)).toBe(1);
    const [row] = await dataSource.query('SELECT published_at FROM outbox');
    expect(row).toMatchObject({ published_at: expect.any(Date) });
  });

  it('applies an event once when the relay died after publishing it but before marking it', async () => {
    const running = await start({ enabled: false });
    const event = widget();
    await enqueue(running, event);

    // The first relay publishes, then loses its connection before the commit.
    class DiesBeforeCommit extends OutboxStore {
      override async markPublished(): Promise<void> {
        throw new Error('process killed');
      }
    }
    const options = running.get<symbol, ResolvedMessagingOptions>(MESSAGING_OPTIONS);
    const dying = new OutboxRelay(
      dataSource,
      running.get(MessagePublisher),
      new DiesBeforeCommit(),
      options,
    );
    await expect(dying.runOnce()).rejects.toThrow('process killed');
    // The restarted relay finds the row still unpublished and sends it again.
    await expect(running.get(OutboxRelay).runOnce()).resolves.toEqual({
      kind: 'published',
      count: 1,
    });

    expect(await broker.messageCount(contract.topic)).toBe(2);
    await eventually(() => expect(deliveries).toHaveLength(2), { timeoutMs: 30_000 });
    expect(await effectsOf(dataSource, event.eventId)).toBe(1);
    const [row] = await dataSource.query('SELECT published_at, attempts, last_error FROM outbox');
    expect(row).toMatchObject({ published_at: expect.any(Date), attempts: 2 });
  });

  it('dead-letters a poison message with the error and its original headers, and goes on with the partition', async () => {
    const running = await start();
    const key = randomUUID();
    await publishRaw(running, key, '{"widgetId":"not-a-uuid"}');
    const exploding = widget('explode', key);
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    await publishRaw(running, key, JSON.stringify(exploding), {
      traceparent,
      'x-tenant': 'acme',
    });
    const fine = widget('gear', key);
    await publishRaw(running, key, JSON.stringify(fine));

    await eventually(async () => expect(await effectsOf(dataSource, fine.eventId)).toBe(1), {
      timeoutMs: 30_000,
    });
    const dead = await broker.readTopic(`${contract.topic}.dlq`, 2);
    expect(dead).toHaveLength(2);
    const [invalid, failed] = dead;
    expect(invalid?.key).toBe(key);
    expect(invalid?.value).toBe('{"widgetId":"not-a-uuid"}');
    expect(invalid?.headers).toMatchObject({
      [DeadLetterHeaders.reason]: 'invalid-payload',
      [DeadLetterHeaders.errorCode]: 'MESSAGING.INVALID_EVENT',
      [DeadLetterHeaders.originalTopic]: contract.topic,
      [DeadLetterHeaders.originalPartition]: String(partitionForKey(key, 3)),
      [DeadLetterHeaders.originalOffset]: '0',
      [DeadLetterHeaders.consumerGroup]: consumerGroupId(service),
      [DeadLetterHeaders.attempts]: '0',
    });
    expect(failed?.value).toBe(JSON.stringify(exploding));
    expect(failed?.headers).toMatchObject({
      // The original headers travel with it, so its trace and context go on after a replay.
      traceparent,
      'x-tenant': 'acme',
      [DeadLetterHeaders.reason]: 'handler-failed',
      [DeadLetterHeaders.errorMessage]: `widget ${key} exploded`,
      [DeadLetterHeaders.errorCode]: 'WIDGETS.CANNOT_APPLY',
      [DeadLetterHeaders.originalOffset]: '1',
      [DeadLetterHeaders.attempts]: '3',
    });
    expect(deliveries.filter((d) => d.event.eventId === exploding.eventId)).toHaveLength(3);
  });

  it('parks a poison message on the dead-letter topic, and applies it once when replayed after a fix', async () => {
    const running = await start();
    const poison = widget('explode');
    await publishRaw(running, poison.widgetId, JSON.stringify(poison));
    const dlq = `${contract.topic}.dlq`;
    const [parked] = await broker.readTopic(dlq, 1);
    expect(parked?.headers[DeadLetterHeaders.reason]).toBe('handler-failed');
    expect(await effectsOf(dataSource, poison.eventId)).toBe(0);

    const queues = broker.deadLetterQueues();
    const command = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await runDeadLetterCommand(args, queues, (line) => lines.push(line));
      return { code, output: lines.join('\n') };
    };
    try {
      const listed = await command('list', contract.topic);
      expect(listed.output).toContain(`eventId ${poison.eventId}`);
      expect(listed.output).toContain('WIDGETS.CANNOT_APPLY');

      faults.failingNames.clear(); // the fix is deployed
      await expect(command('replay', contract.topic, '--all')).resolves.toMatchObject({ code: 0 });
      await eventually(async () => expect(await effectsOf(dataSource, poison.eventId)).toBe(1), {
        timeoutMs: 30_000,
      });
      const [, replayed] = await broker.readTopic(contract.topic, 2);
      expect(replayed?.value).toBe(JSON.stringify(poison));
      expect(replayed?.key).toBe(poison.widgetId);
      expect(replayed?.headers[DeadLetterHeaders.replayOf]).toBe(`${dlq}/0/${parked?.offset}`);

      // Replayed once more by mistake: the inbox keeps it to one effect.
      await expect(command('replay', contract.topic, '--all')).resolves.toMatchObject({ code: 0 });
      await eventually(
        () => expect(deliveries.filter((d) => d.event.eventId === poison.eventId)).toHaveLength(5),
        { timeoutMs: 30_000 },
      );
      expect(await effectsOf(dataSource, poison.eventId)).toBe(1);
      expect(await broker.messageCount(dlq)).toBe(1);
    } finally {
      await queues.close();
    }
  });

  it('lets one relay replica publish at a time, so each key stays in order', async () => {
    if (db.kind !== 'real') {
      throw new Error(
        'Two relays at once need a PostgreSQL server with several connections; PGlite serves one',
      );
    }
    const running = await start({ enabled: false, batchSize: 4 });
    const keys = [randomUUID(), randomUUID()];
    const events = Array.from({ length: 8 }, (_, n) => widget(`n${n}`, keys[n % 2]));
    for (const event of events) await enqueue(running, event);

    // Replica one claims the first batch and is slow to get the broker's acknowledgement.
    const publisher = running.get(MessagePublisher);
    const acknowledged = gate();
    let claimed = false;
    class SlowPublisher extends MessagePublisher {
      async publish(messages: Parameters<MessagePublisher['publish']>[0]): Promise<void> {
        claimed = true;
        await acknowledged.opened;
        await publisher.publish(messages);
      }
    }
    const options = running.get<symbol, ResolvedMessagingOptions>(MESSAGING_OPTIONS);
    const one = new OutboxRelay(dataSource, new SlowPublisher(), new OutboxStore(), options);
    const two = running.get(OutboxRelay);
    const firstPass = one.runOnce();
    await eventually(() => expect(claimed).toBe(true));

    // Replica two must not publish the next batch (n4..n7) ahead of n0..n3.
    await expect(two.runOnce()).resolves.toEqual({ kind: 'locked-elsewhere' });
    acknowledged.open();
    await expect(firstPass).resolves.toEqual({ kind: 'published', count: 4 });
    await expect(two.runOnce()).resolves.toEqual({ kind: 'published', count: 4 });

    await eventually(() => expect(deliveries).toHaveLength(8), { timeoutMs: 30_000 });
    for (const key of keys) {
      expect(
        deliveries.filter((d) => d.event.widgetId === key).map((d) => d.event.eventId),
      ).toEqual(events.filter((e) => e.widgetId === key).map((e) => e.eventId));
    }
  });

  it('leaves the consumer group when the app closes', async () => {
    const running = await start();
    const group = consumerGroupId(service);
    await eventually(async () => expect(await broker.groupMemberCount(group)).toBe(1), {
      timeoutMs: 30_000,
    });
    await running.close();
    app = undefined;
    expect(await broker.groupMemberCount(group)).toBe(0);
  });

  it('reports no lag once the group has read, the messages it applied, and lag for a group that has not read', async () => {
    const running = await start();
    for (const event of [widget('one'), widget('two')]) await enqueue(running, event);
    await eventually(() => expect(deliveries).toHaveLength(2), { timeoutMs: 30_000 });

    const lag = async () =>
      (await running.get(BrokerAdmin).consumerLag([contract.topic])).get(contract.topic);
    await eventually(async () => expect(await lag()).toBe(0), { timeoutMs: 30_000 });
    const scrape = await running.get(MessagingMetrics).registry.metrics();
    expect(scrape).toContain(`messaging_consumer_lag{topic="${contract.topic}"} 0`);
    expect(scrape).toContain(
      `messaging_messages_processed_total{topic="${contract.topic}",outcome="applied"} 2`,
    );
    expect(scrape).toMatch(/^messaging_outbox_backlog 0$/m);

    if (broker.connection.kind !== 'kafka') return; // the embedded broker's lag has its unit test
    // A group that never consumed the topic is behind by all of it.
    const idle = resolveMessagingOptions({
      service: uniqueName('idle'),
      broker: broker.connection,
    });
    const admin = new KafkaBrokerAdmin(
      createKafkaClient(idle.clientId, broker.connection.brokers),
      idle,
    );
    try {
      expect((await admin.consumerLag([contract.topic])).get(contract.topic)).toBe(2);
    } finally {
      await admin.onApplicationShutdown();
    }
  });

  it('reports the broker healthy', async () => {
    const running = await start();
    await expect(running.get(BrokerHealthCheck).check()).resolves.toBeUndefined();
  });
});

describe('BrokerHealthCheck on Kafka', () => {
  it('says which broker is unreachable and how to start one', async () => {
    const options = resolveMessagingOptions({
      service: 'health',
      broker: { kind: 'kafka', brokers: ['127.0.0.1:1'] },
    });
    const admin = new KafkaBrokerAdmin(
      createKafkaClient(options.clientId, ['127.0.0.1:1']),
      options,
    );
    try {
      await expect(new BrokerHealthCheck(admin).check()).rejects.toThrow(
        /Kafka at 127\.0\.0\.1:1 is unreachable: .*npm run kafka:start/,
      );
    } finally {
      await admin.onApplicationShutdown();
    }
  });
});
