import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually, gate } from '#atlas/testing';
import {
  nextGroupJoin,
  type Received,
  received,
  startConsumer,
} from '../../test/embedded-fixtures.js';
import { silentLogger } from '../../test/silent-logger.js';
import { EmbeddedBroker } from './embedded-broker.js';

let broker: EmbeddedBroker;

async function brokerWithTopic(partitions: number): Promise<EmbeddedBroker> {
  broker = new EmbeddedBroker({
    redelivery: { initialDelayMs: 2, maxDelayMs: 10 },
    logger: silentLogger,
  });
  await broker.createTopics({ topics: [{ topic: 't', numPartitions: partitions }] });
  return broker;
}

afterEach(async () => {
  await broker.close();
});

function onPartition(partition: number, value: string) {
  return { topic: 't', messages: [{ value, partition }] };
}

describe('consumer groups', () => {
  it('splits the partitions evenly between the members of a group', async () => {
    await brokerWithTopic(4);
    const a = await startConsumer(broker, 'g', ['t'], async () => undefined);
    const rebalanced = nextGroupJoin(a);
    const b = await startConsumer(broker, 'g', ['t'], async () => undefined);
    await rebalanced;

    const partitionsOfA = a.assignment()['t'] ?? [];
    const partitionsOfB = b.assignment()['t'] ?? [];
    expect(partitionsOfA).toHaveLength(2);
    expect(partitionsOfB).toHaveLength(2);
    expect([...partitionsOfA, ...partitionsOfB].sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
    expect(broker.describeGroup('g').members).toHaveLength(2);
  });

  it('delivers each message to exactly one member, always the owner of its partition', async () => {
    await brokerWithTopic(4);
    const byMember = new Map<string, Received[]>([
      ['a', []],
      ['b', []],
    ]);
    const a = await startConsumer(
      broker,
      'g',
      ['t'],
      async (p) => void byMember.get('a')?.push(received(p)),
    );
    const rebalanced = nextGroupJoin(a);
    const b = await startConsumer(
      broker,
      'g',
      ['t'],
      async (p) => void byMember.get('b')?.push(received(p)),
    );
    await rebalanced;

    for (let i = 0; i < 40; i++) await broker.send(onPartition(i % 4, `m${i}`));
    await eventually(() =>
      expect((byMember.get('a')?.length ?? 0) + (byMember.get('b')?.length ?? 0)).toBe(40),
    );
    expect(new Set(byMember.get('a')?.map((m) => m.partition))).toEqual(
      new Set(a.assignment()['t']),
    );
    expect(new Set(byMember.get('b')?.map((m) => m.partition))).toEqual(
      new Set(b.assignment()['t']),
    );
  });

  it('gives a leaving member’s partitions to the members that stay', async () => {
    await brokerWithTopic(4);
    const seenByA: Received[] = [];
    const a = await startConsumer(broker, 'g', ['t'], async (p) => void seenByA.push(received(p)));
    const rebalanced = nextGroupJoin(a);
    const b = await startConsumer(broker, 'g', ['t'], async () => undefined);
    await rebalanced;
    const takenOver = b.assignment()['t'] ?? [];

    const aGetsEverything = nextGroupJoin(a);
    await b.disconnect();
    await expect(aGetsEverything).resolves.toMatchObject({ memberAssignment: { t: [0, 1, 2, 3] } });

    for (const partition of takenOver) await broker.send(onPartition(partition, 'after-leave'));
    await eventually(() =>
      expect(seenByA.filter((m) => m.value === 'after-leave')).toHaveLength(takenOver.length),
    );
    expect(broker.describeGroup('g').members).toHaveLength(1);
  });

  it('waits for in-flight handlers before disconnect() resolves, and commits what they finished', async () => {
    await brokerWithTopic(1);
    await broker.send(onPartition(0, 'slow'));
    const release = gate();
    let started = false;
    const a = await startConsumer(broker, 'g', ['t'], async () => {
      started = true;
      await release.opened;
    });
    await eventually(() => expect(started).toBe(true));

    let disconnected = false;
    const leaving = (async () => {
      await a.disconnect();
      disconnected = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(disconnected).toBe(false);
    release.open();
    await leaving;

    const [offsets] = await broker.fetchOffsets({ groupId: 'g', topics: ['t'] });
    expect(offsets?.partitions[0]?.offset).toBe('1');
    expect(broker.describeGroup('g').members).toEqual([]);
  });

  it('redelivers to the new owner a message the old owner never got through', async () => {
    await brokerWithTopic(1);
    const a = await startConsumer(broker, 'g', ['t'], async () => {
      throw new Error('a cannot handle it');
    });
    const seenByB: Received[] = [];
    const rebalanced = nextGroupJoin(a);
    const b = await startConsumer(broker, 'g', ['t'], async (p) => void seenByB.push(received(p)));
    await rebalanced;
    // Round-robin in join order: the first member, the one that fails, keeps the only partition.
    expect(a.assignment()).toEqual({ t: [0] });

    await broker.send(onPartition(0, 'stuck'));
    await eventually(async () => {
      const [offsets] = await broker.fetchOffsets({ groupId: 'g', topics: ['t'] });
      expect(offsets?.partitions[0]?.offset).toBe('-1');
    });
    await a.disconnect();

    await eventually(() => expect(seenByB.map((m) => [m.value, m.offset])).toEqual([['stuck', 0]]));
    expect(b.assignment()).toEqual({ t: [0] });
  });

  it('never lets two members process the same partition at once during a rebalance', async () => {
    await brokerWithTopic(1);
    await broker.send(onPartition(0, 'one'));
    await broker.send(onPartition(0, 'two'));
    const release = gate();
    let running = 0;
    let overlapped = false;
    const handler = async (): Promise<void> => {
      running++;
      if (running > 1) overlapped = true;
      await release.opened;
      running--;
    };
    const a = await startConsumer(broker, 'g', ['t'], handler);
    await eventually(() => expect(running).toBe(1));

    // `b` takes the partition over while `a` is still inside the first message.
    const leaving = a.disconnect();
    const b = await startConsumer(broker, 'g', ['t'], handler);
    expect(b.assignment()).toEqual({ t: [0] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running).toBe(1);
    release.open();
    await leaving;
    await eventually(async () => {
      const [offsets] = await broker.fetchOffsets({ groupId: 'g', topics: ['t'] });
      expect(offsets?.partitions[0]?.offset).toBe('2');
    });
    expect(overlapped).toBe(false);
  });
});
