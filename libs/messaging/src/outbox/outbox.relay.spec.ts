import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DatabaseNotifications } from '#atlas/persistence';
import { eventually, gate } from '#atlas/testing';
import { fakeDataSource } from '../../test/fake-database.js';
import { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { resolveMessagingOptions, type RelayOptions } from '../messaging-options.js';
import { MessagePublisher, type OutgoingMessage } from '../publishing/message-publisher.js';
import { markOutboxWrite } from './outbox-commits.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxStore, type PendingOutboxRow } from './outbox.store.js';

interface Row extends PendingOutboxRow {
  published: boolean;
  attempts: number;
  lastError: string | null;
}

/** The outbox table's semantics, in memory: unpublished rows in id order, and a relay lock. */
class InMemoryOutboxStore extends OutboxStore {
  readonly rows: Row[] = [];
  lockedByAnotherRelay = false;
  failNextMark = false;
  failureRecordedInsideTransaction = false;

  constructor(private readonly openTransactions: () => number = () => 0) {
    super();
  }

  add(key: string, n: number): void {
    const id = String(this.rows.length + 1);
    this.rows.push({
      id,
      topic: 'orders.v1',
      key,
      payload: { n },
      headers: { traceparent: `tp-${id}` },
      published: false,
      attempts: 0,
      lastError: null,
    });
  }

  override async claimBatch(
    _: EntityManager,
    limit: number,
  ): Promise<PendingOutboxRow[] | 'locked-elsewhere'> {
    if (this.lockedByAnotherRelay) return 'locked-elsewhere';
    return this.rows
      .filter((row) => !row.published)
      .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
      .slice(0, limit)
      .map(({ id, topic, key, payload, headers }) => ({ id, topic, key, payload, headers }));
  }

  override async markPublished(_: EntityManager, ids: readonly string[]): Promise<void> {
    if (this.failNextMark) {
      this.failNextMark = false;
      throw new Error('connection lost before commit');
    }
    for (const row of this.rows) {
      if (ids.includes(row.id)) {
        row.published = true;
        row.attempts++;
      }
    }
  }

  override async recordFailure(
    _: EntityManager,
    ids: readonly string[],
    error: string,
  ): Promise<void> {
    if (this.openTransactions() > 0) this.failureRecordedInsideTransaction = true;
    for (const row of this.rows) {
      if (ids.includes(row.id)) {
        row.attempts++;
        row.lastError = error;
      }
    }
  }

  override async tableExists(): Promise<boolean> {
    return true;
  }
}

class ScriptedPublisher extends MessagePublisher {
  readonly calls: OutgoingMessage[][] = [];
  failuresLeft = 0;
  holdUntil: Promise<void> | undefined;

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.holdUntil;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('broker unavailable');
    }
    this.calls.push([...messages]);
  }

  published(): unknown[] {
    return this.calls.flat().map((m) => JSON.parse(String(m.value)));
  }
}

/** The other replicas, as the relay sees them through DatabaseNotifications. */
class FakeNotifications {
  readonly acrossProcesses = true;
  readonly announced: string[] = [];
  readonly listeners = new Map<string, () => void>();

  announce(channel: string): void {
    this.announced.push(channel);
  }

  listen(channel: string, onNotice: () => void): () => void {
    this.listeners.set(channel, onNotice);
    return () => void this.listeners.delete(channel);
  }

  /** Another replica announced `channel`. */
  hear(channel: string): void {
    this.listeners.get(channel)?.();
  }
}

function setup(relay: Partial<RelayOptions> = {}, notifications?: FakeNotifications) {
  const dataSource = fakeDataSource();
  const store = new InMemoryOutboxStore(dataSource.openTransactions);
  const publisher = new ScriptedPublisher();
  const options = resolveMessagingOptions({
    service: 'orders',
    broker: { kind: 'embedded', broker: new EmbeddedBroker() },
    relay: { intervalMs: 5, batchSize: 10, maxBackoffMs: 20, ...relay },
  });
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- a fake of the members used
  const others = notifications as unknown as DatabaseNotifications | undefined;
  return {
    dataSource,
    store,
    publisher,
    relay: new OutboxRelay(dataSource, publisher, store, options, others),
  };
}

beforeAll(() => {
  Logger.overrideLogger(false); // the broker failures below are on purpose
});

describe('OutboxRelay.runOnce', () => {
  it('publishes the oldest rows first in one call and marks them only after the broker accepted them', async () => {
    const { store, publisher, relay } = setup();
    for (let n = 1; n <= 12; n++) store.add(n % 2 === 0 ? 'even' : 'odd', n);
    const broker = gate();
    publisher.holdUntil = broker.opened;

    const pass = relay.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.rows.some((row) => row.published)).toBe(false);
    broker.open();

    await expect(pass).resolves.toEqual({ kind: 'published', count: 10 });
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.published()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ({ n })));
    expect(publisher.calls[0]?.[0]).toEqual({
      topic: 'orders.v1',
      key: 'odd',
      value: '{"n":1}',
      headers: { traceparent: 'tp-1' },
    });
    expect(store.rows.filter((row) => row.published).map((row) => row.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
  });

  it('keeps the rows when the broker fails, records why after the transaction, and resends them in the same order', async () => {
    const { store, publisher, relay } = setup();
    store.add('a', 1);
    store.add('a', 2);
    publisher.failuresLeft = 1;

    await expect(relay.runOnce()).rejects.toThrow('broker unavailable');
    expect(store.rows.map((row) => [row.published, row.attempts, row.lastError])).toEqual([
      [false, 1, 'broker unavailable'],
      [false, 1, 'broker unavailable'],
    ]);
    expect(store.failureRecordedInsideTransaction).toBe(false);

    await expect(relay.runOnce()).resolves.toEqual({ kind: 'published', count: 2 });
    expect(publisher.published()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('publishes a batch again when the process died between publishing and marking', async () => {
    const { store, publisher, relay } = setup();
    store.add('a', 1);
    store.add('a', 2);
    store.failNextMark = true;

    await expect(relay.runOnce()).rejects.toThrow('connection lost before commit');
    await relay.runOnce();

    // Twice, in the same order each time: the consumers' inbox drops the second copies.
    expect(publisher.published()).toEqual([{ n: 1 }, { n: 2 }, { n: 1 }, { n: 2 }]);
    expect(store.rows.every((row) => row.published)).toBe(true);
  });

  it('publishes nothing while another relay holds the lock', async () => {
    const { store, publisher, relay } = setup();
    store.add('a', 1);
    store.lockedByAnotherRelay = true;

    await expect(relay.runOnce()).resolves.toEqual({ kind: 'locked-elsewhere' });
    expect(publisher.calls).toEqual([]);
  });
});

describe('OutboxRelay polling', () => {
  it('backs off while the broker fails and publishes every row once it is back', async () => {
    const { store, publisher, relay } = setup();
    store.add('a', 1);
    publisher.failuresLeft = 3;
    relay.start();
    try {
      await eventually(() => expect(publisher.published()).toEqual([{ n: 1 }]));
      expect(store.rows[0]?.attempts).toBe(4);
    } finally {
      await relay.stop();
    }
  });

  it('drains a backlog batch after batch without waiting for the interval', async () => {
    const { store, publisher, relay } = setup({ batchSize: 2, intervalMs: 60_000 });
    for (let n = 1; n <= 5; n++) store.add('a', n);
    relay.start();
    try {
      await eventually(() => expect(publisher.published()).toHaveLength(5));
      expect(publisher.calls.map((call) => call.length)).toEqual([2, 2, 1]);
    } finally {
      await relay.stop();
    }
  });

  it('runs a pass at once on wake() instead of waiting for the interval', async () => {
    const { store, publisher, relay } = setup({ intervalMs: 60_000 });
    relay.start();
    try {
      await eventually(() => expect(publisher.calls).toEqual([])); // first pass found nothing
      await new Promise((resolve) => setTimeout(resolve, 10));
      store.add('a', 1);
      relay.wake();
      await eventually(() => expect(publisher.published()).toEqual([{ n: 1 }]));
    } finally {
      await relay.stop();
    }
  });

  it('finishes the batch in progress before stop() resolves', async () => {
    const { store, publisher, relay } = setup();
    store.add('a', 1);
    const broker = gate();
    publisher.holdUntil = broker.opened;
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 10));

    let stopped = false;
    const stopping = (async () => {
      await relay.stop();
      stopped = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(false);
    broker.open();
    await stopping;
    expect(store.rows[0]?.published).toBe(true);
  });

  it('announces its commits to the other replicas, and publishes when one announces its own', async () => {
    const notifications = new FakeNotifications();
    const { dataSource, store, publisher, relay } = setup({ intervalMs: 60_000 }, notifications);
    store.tableExists = async () => true;
    await relay.onApplicationBootstrap();
    try {
      const [subscriber] = dataSource.subscribers;
      const committed = {};
      markOutboxWrite(committed);
      // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- the one field it reads
      await subscriber?.afterTransactionCommit?.({ queryRunner: committed } as never);
      expect(notifications.announced).toEqual(['atlas_outbox']);
      await new Promise((resolve) => setTimeout(resolve, 30)); // the pass that commit woke

      store.add('a', 1); // written by another replica: no commit here wakes the relay
      notifications.hear('atlas_outbox');
      await eventually(() => expect(publisher.published()).toEqual([{ n: 1 }]));
    } finally {
      await relay.beforeApplicationShutdown();
    }
    expect(dataSource.subscribers).toEqual([]);
    expect(notifications.listeners.size).toBe(0);
  });

  it('refuses to start when the outbox table is missing, naming the migration to add', async () => {
    const { store, relay } = setup();
    store.tableExists = async () => false;
    await expect(relay.onApplicationBootstrap()).rejects.toThrow(
      'add messagingTables from #atlas/messaging',
    );
  });
});
