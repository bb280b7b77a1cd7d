import { afterEach, describe, expect, it } from '@jest/globals';
import type { EachMessagePayload } from 'kafkajs';
import { eventually, gate } from '#atlas/testing';
import { type Received, received, startConsumer } from '../../test/embedded-fixtures.js';
import { partitionForKey } from '../partitioning/key-partitioner.js';
import { silentLogger } from '../../test/silent-logger.js';
import { EmbeddedBroker } from './embedded-broker.js';

const brokers: EmbeddedBroker[] = [];

function newBroker(): EmbeddedBroker {
  const broker = new EmbeddedBroker({
    redelivery: { initialDelayMs: 2, maxDelayMs: 10 },
    logger: silentLogger,
  });
  brokers.push(broker);
  return broker;
}

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

async function produce(broker: EmbeddedBroker, topic: string, keys: string[]): Promise<void> {
  for (const [index, key] of keys.entries()) {
    await broker.send({ topic, messages: [{ key, value: `${key}:${index}` }] });
  }
}

describe('EmbeddedBroker topics and producing', () => {
  it('creates topics idempotently and keeps the first partition count', async () => {
    const broker = newBroker();
    await expect(broker.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] })).resolves.toBe(
      true,
    );
    await expect(broker.createTopics({ topics: [{ topic: 't', numPartitions: 5 }] })).resolves.toBe(
      false,
    );
    expect(broker.partitionsOf('t')).toBe(3);
  });

  it('rejects topic names Kafka would reject', async () => {
    await expect(newBroker().createTopics({ topics: [{ topic: 'bad/name' }] })).rejects.toThrow(
      'Invalid topic name "bad/name"',
    );
  });

  it('refuses to produce to a topic that was never created, saying to create it first', async () => {
    await expect(
      newBroker().send({ topic: 'missing', messages: [{ key: 'k', value: 'v' }] }),
    ).rejects.toThrow('topic "missing" does not exist. Create it first');
  });

  it('puts a keyed message on the partition Kafka’s murmur2 partitioner picks', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 7 }] });
    for (const key of ['order-1', 'order-2', 'c0ffee', '']) {
      const [metadata] = await broker.send({ topic: 't', messages: [{ key, value: 'x' }] });
      expect(metadata?.partition).toBe(partitionForKey(key, 7));
    }
  });

  it('spreads keyless messages over every partition', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] });
    const metadata = await broker.send({
      topic: 't',
      messages: Array.from({ length: 6 }, () => ({ value: 'x' })),
    });
    expect(new Set(metadata.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
  });

  it('gives each partition its own consecutive offsets from 0', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 2 }] });
    const metadata = await broker.send({
      topic: 't',
      messages: [0, 1, 2, 3].map((i) => ({ value: String(i), partition: i % 2 })),
    });
    expect(metadata.map((m) => [m.partition, m.offset])).toEqual([
      [0, '0'],
      [1, '0'],
      [0, '1'],
      [1, '1'],
    ]);
    await expect(broker.fetchTopicOffsets('t')).resolves.toEqual([
      { partition: 0, offset: '2', high: '2', low: '0' },
      { partition: 1, offset: '2', high: '2', low: '0' },
    ]);
  });

  it('rejects a whole batch when one message names a partition that does not exist', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 1 }] });
    await expect(
      broker.send({ topic: 't', messages: [{ value: 'ok' }, { value: 'bad', partition: 4 }] }),
    ).rejects.toThrow('partition 4 does not exist');
    await expect(broker.fetchTopicOffsets('t')).resolves.toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
    ]);
  });
});

describe('EmbeddedBroker consuming', () => {
  it('hands messages over shaped like kafkajs’s, with Buffers and string offsets', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't' }] });
    await broker.send({
      topic: 't',
      messages: [
        { key: 'k', value: '{"a":1}', headers: { traceparent: 'tp', raw: Buffer.from([0, 1]) } },
      ],
    });
    const seen: EachMessagePayload[] = [];
    await startConsumer(broker, 'g', ['t'], async (payload) => {
      seen.push(payload);
    });
    const [payload] = await eventually(() => {
      expect(seen).toHaveLength(1);
      return seen;
    });
    expect(payload?.topic).toBe('t');
    expect(payload?.partition).toBe(0);
    const message = payload?.message;
    expect(Buffer.isBuffer(message?.key)).toBe(true);
    expect(message?.key?.toString()).toBe('k');
    expect(message?.value?.toString()).toBe('{"a":1}');
    expect(message?.headers?.['traceparent']?.toString()).toBe('tp');
    expect(message?.headers?.['raw']).toEqual(Buffer.from([0, 1]));
    expect(message?.offset).toBe('0');
    expect(Number(message?.timestamp)).toBeGreaterThan(0);
  });

  it('starts a new group at the earliest offset, and each group reads every message', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] });
    await produce(broker, 't', ['a', 'b', 'c', 'd']);
    const first: Received[] = [];
    const second: Received[] = [];
    await startConsumer(broker, 'group-1', ['t'], async (p) => void first.push(received(p)));
    await startConsumer(broker, 'group-2', ['t'], async (p) => void second.push(received(p)));
    await eventually(() => {
      expect(first).toHaveLength(4);
      expect(second).toHaveLength(4);
    });
  });

  it('delivers each key’s messages in the order they were produced', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] });
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i % 10}`);
    const seen: Received[] = [];
    // Several partitions at once, each handler taking a variable time: order must still hold per key.
    await startConsumer(
      broker,
      'g',
      ['t'],
      async (payload) => {
        await new Promise((resolve) => setTimeout(resolve, Number(payload.message.offset) % 3));
        seen.push(received(payload));
      },
      3,
    );
    await produce(broker, 't', keys);
    await eventually(() => expect(seen).toHaveLength(200), { timeoutMs: 20_000 });
    for (let k = 0; k < 10; k++) {
      const values = seen
        .filter((m) => m.key === `key-${k}`)
        .map((m) => Number(m.value?.split(':')[1]));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(values).toHaveLength(20);
    }
    for (const partition of [0, 1, 2]) {
      const offsets = seen.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('processes one partition at a time per consumer by default, several when configured', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] });
    await broker.send({
      topic: 't',
      messages: [0, 1, 2].map((partition) => ({ value: 'x', partition })),
    });

    let running = 0;
    let maxRunning = 0;
    const serial = await startConsumer(broker, 'serial', ['t'], async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    await eventually(async () => {
      const [offsets] = await broker.fetchOffsets({ groupId: 'serial', topics: ['t'] });
      expect(offsets?.partitions.map((p) => p.offset)).toEqual(['1', '1', '1']);
    });
    expect(maxRunning).toBe(1);
    await serial.disconnect();

    // Three handlers that each wait for the other two can only finish if they run together.
    const all = gate();
    let started = 0;
    await startConsumer(
      broker,
      'parallel',
      ['t'],
      async () => {
        started++;
        if (started === 3) all.open();
        await all.opened;
      },
      3,
    );
    await eventually(async () => {
      const [offsets] = await broker.fetchOffsets({ groupId: 'parallel', topics: ['t'] });
      expect(offsets?.partitions.map((p) => p.offset)).toEqual(['1', '1', '1']);
    });
  });

  it('refuses to subscribe to a topic that does not exist', async () => {
    const consumer = newBroker().consumer({ groupId: 'g' });
    await expect(consumer.subscribe({ topics: ['nope'] })).rejects.toThrow(
      'topic "nope" does not exist',
    );
  });
});

describe('EmbeddedBroker commits and redelivery', () => {
  it('commits a message only after its handler resolves', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't' }] });
    await broker.send({ topic: 't', messages: [{ value: 'x' }] });
    const release = gate();
    let started = false;
    await startConsumer(broker, 'g', ['t'], async () => {
      started = true;
      await release.opened;
    });
    await eventually(() => expect(started).toBe(true));
    const committed = async (): Promise<string | undefined> =>
      (await broker.fetchOffsets({ groupId: 'g', topics: ['t'] }))[0]?.partitions[0]?.offset;
    await expect(committed()).resolves.toBe('-1');
    release.open();
    await eventually(async () => expect(await committed()).toBe('1'));
  });

  it('delivers a message again after its handler rejects, and holds back the ones behind it', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't' }] });
    await broker.send({ topic: 't', messages: [{ value: 'first' }, { value: 'second' }] });
    const attempts: string[] = [];
    await startConsumer(broker, 'g', ['t'], async (payload) => {
      const value = payload.message.value?.toString() ?? '';
      attempts.push(value);
      if (value === 'first' && attempts.filter((a) => a === 'first').length < 3) {
        throw new Error('transient');
      }
    });
    await eventually(() => expect(attempts).toEqual(['first', 'first', 'first', 'second']));
  });

  it('resumes a group from its committed offset when a new consumer joins after the old one left', async () => {
    const broker = newBroker();
    await broker.createTopics({ topics: [{ topic: 't' }] });
    await produce(broker, 't', ['a', 'b']);
    const firstRun: Received[] = [];
    const first = await startConsumer(
      broker,
      'g',
      ['t'],
      async (p) => void firstRun.push(received(p)),
    );
    await eventually(() => expect(firstRun).toHaveLength(2));
    await first.disconnect();

    await produce(broker, 't', ['c']);
    const secondRun: Received[] = [];
    await startConsumer(broker, 'g', ['t'], async (p) => void secondRun.push(received(p)));
    await eventually(() => expect(secondRun.map((m) => m.offset)).toEqual([2]));
  });
});
