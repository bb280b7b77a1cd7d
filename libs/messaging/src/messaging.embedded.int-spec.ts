import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { newEvent } from '#atlas/contracts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '#atlas/persistence';
import { eventually, uniqueName } from '#atlas/testing';
import { silentLogger } from '../test/silent-logger.js';
import { embeddedTestBroker, type TestBroker } from '../test/test-broker.js';
import { topicSpecs, widgetRegistered, type WidgetRegistered } from '../test/test-contracts.js';
import { effectsOf, openTestDataSource } from '../test/test-data-source.js';
import {
  startWidgetService,
  type WidgetDelivery,
  type WidgetFaults,
  widgetHandlers,
} from '../test/widget-service.js';
import { DeadLetterHeaders } from './consuming/dead-letter-headers.js';
import { runDeadLetterCommand } from './dead-letters/dead-letter.command.js';
import { EmbeddedBroker } from './embedded/embedded-broker.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options.js';
import { OutboxRelay } from './outbox/outbox.relay.js';
import { OutboxService } from './outbox/outbox.service.js';
import { OutboxStore } from './outbox/outbox.store.js';
import { MessagePublisher } from './publishing/message-publisher.js';
import { consumerGroupId } from './service-identity.js';

// Embedded mode end to end: PGlite over the wire with a pool of ONE connection, and the
// in-process broker. Outbox, relay, inbox and consumers must share that connection without
// ever waiting for a second one. Each test owns its PGlite, broker, topic and group.
let postgres: EmbeddedPostgres;
let dataSource: DataSource;
let broker: TestBroker;
let contract: WidgetRegistered;
let service: string;
let deliveries: WidgetDelivery[];
let faults: WidgetFaults;
let app: NestFastifyApplication | undefined;

beforeEach(async () => {
  postgres = await startEmbeddedPostgres();
  dataSource = await openTestDataSource(postgres.url, 'embedded');
  broker = embeddedTestBroker(
    new EmbeddedBroker({ logger: silentLogger, redelivery: { initialDelayMs: 5, maxDelayMs: 20 } }),
  );
  contract = widgetRegistered(uniqueName('embedded.widget-registered.v1'));
  service = uniqueName('widgets');
  deliveries = [];
  faults = { failingNames: new Set(['explode']) };
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await broker.close();
  await dataSource.destroy();
  await postgres.stop();
});

async function start(relay?: { enabled?: boolean }): Promise<NestFastifyApplication> {
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
  events: ReturnType<typeof widget>[],
): Promise<void> {
  const outbox = running.get(OutboxService);
  await dataSource.transaction(async (manager) => {
    for (const event of events) await outbox.enqueue(manager, contract, event);
  });
}

describe('messaging in embedded mode (PGlite + EmbeddedBroker)', () => {
  it('relays outbox rows to handlers that apply each event once, even when delivered twice', async () => {
    const running = await start();
    const key = randomUUID();
    const events = [widget('a', key), widget('b', key), widget('c')];
    await enqueue(running, events);
    running.get(OutboxRelay).wake();
    await eventually(async () => {
      for (const event of events) expect(await effectsOf(dataSource, event.eventId)).toBe(1);
    });
    expect(deliveries.filter((d) => d.event.widgetId === key).map((d) => d.event.name)).toEqual([
      'a',
      'b',
    ]);

    // The broker delivers a copy again (as after a crash): the inbox absorbs it.
    const [first] = events;
    await running
      .get(MessagePublisher)
      .publish([{ topic: contract.topic, key, value: JSON.stringify(first), headers: {} }]);
    await eventually(() => expect(deliveries).toHaveLength(4));
    expect(await effectsOf(dataSource, first?.eventId ?? '')).toBe(1);
  });

  it('publishes, after a restart, an event committed by a process that died before publishing it', async () => {
    // The first process commits the change and its outbox row, and is gone before its relay ran.
    const first = await start({ enabled: false });
    const event = widget();
    await enqueue(first, [event]);
    await first.close();
    app = undefined;
    expect(await broker.messageCount(contract.topic)).toBe(0);

    await start();
    await eventually(async () => expect(await effectsOf(dataSource, event.eventId)).toBe(1));
    expect(await broker.messageCount(contract.topic)).toBe(1);
    const [row] = await dataSource.query('SELECT published_at FROM outbox');
    expect(row).toMatchObject({ published_at: expect.any(Date) });
  });

  it('applies an event once when the relay died after publishing it but before marking it', async () => {
    const running = await start({ enabled: false });
    const event = widget();
    await enqueue(running, [event]);

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
    await expect(running.get(OutboxRelay).runOnce()).resolves.toEqual({
      kind: 'published',
      count: 1,
    });

    expect(await broker.messageCount(contract.topic)).toBe(2);
    await eventually(() => expect(deliveries).toHaveLength(2));
    expect(await effectsOf(dataSource, event.eventId)).toBe(1);
  });

  it('parks a poison message on the dead-letter topic, and applies it once when replayed after a fix', async () => {
    const running = await start();
    const poison = widget('explode');
    await running
      .get(MessagePublisher)
      .publish([
        { topic: contract.topic, key: poison.widgetId, value: JSON.stringify(poison), headers: {} },
      ]);
    const dlq = `${contract.topic}.dlq`;
    await broker.readTopic(dlq, 1);
    expect(await effectsOf(dataSource, poison.eventId)).toBe(0);

    faults.failingNames.clear(); // the fix is deployed
    const lines: string[] = [];
    const code = await runDeadLetterCommand(
      ['replay', dlq, '0'],
      broker.deadLetterQueues(),
      (line) => lines.push(line),
    );
    expect([code, lines]).toEqual([
      0,
      [`replayed ${dlq}/0/0 (eventId ${poison.eventId}) to ${contract.topic}`],
    ]);
    await eventually(async () => expect(await effectsOf(dataSource, poison.eventId)).toBe(1));
    const replayed = (await broker.readTopic(contract.topic, 2)).find(
      (message) => message.headers[DeadLetterHeaders.replayOf] !== undefined,
    );
    expect(replayed?.headers[DeadLetterHeaders.replayOf]).toBe(`${dlq}/0/0`);
  });

  it('dead-letters a poison message, and leaves the group on close', async () => {
    const running = await start();
    await running.get(MessagePublisher).publish([
      {
        topic: contract.topic,
        key: 'k',
        value: 'not json at all',
        headers: { traceparent: 'kept' },
      },
    ]);
    const [dead] = await broker.readTopic(`${contract.topic}.dlq`, 1);
    expect(dead?.value).toBe('not json at all');
    expect(dead?.headers).toMatchObject({
      traceparent: 'kept',
      [DeadLetterHeaders.reason]: 'invalid-payload',
      [DeadLetterHeaders.consumerGroup]: consumerGroupId(service),
    });

    const group = consumerGroupId(service);
    expect(await broker.groupMemberCount(group)).toBe(1);
    await running.close();
    app = undefined;
    expect(await broker.groupMemberCount(group)).toBe(0);
  });
});
