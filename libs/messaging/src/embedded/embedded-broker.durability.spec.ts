import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventually, gate } from '#atlas/testing';
import {
  type Received,
  received,
  startConsumer,
  temporaryDir,
} from '../../test/embedded-fixtures.js';
import { silentLogger } from '../../test/silent-logger.js';
import { EmbeddedBroker } from './embedded-broker.js';

let dir: ReturnType<typeof temporaryDir>;
const open: EmbeddedBroker[] = [];

function startBroker(): EmbeddedBroker {
  const broker = new EmbeddedBroker({
    dataDir: dir.path,
    redelivery: { initialDelayMs: 2, maxDelayMs: 10 },
    logger: silentLogger,
  });
  open.push(broker);
  return broker;
}

beforeEach(() => {
  dir = temporaryDir();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((broker) => broker.close()));
  dir.remove();
});

async function committed(broker: EmbeddedBroker, groupId: string): Promise<string[]> {
  const [offsets] = await broker.fetchOffsets({ groupId, topics: ['t'] });
  return offsets?.partitions.map((p) => p.offset) ?? [];
}

describe('EmbeddedBroker with a dataDir', () => {
  it('keeps topics, messages and committed offsets across a restart', async () => {
    const before = startBroker();
    await before.createTopics({ topics: [{ topic: 't', numPartitions: 2 }] });
    await before.send({
      topic: 't',
      messages: [
        { key: 'k1', value: 'one', headers: { h: 'v' }, partition: 0 },
        { key: 'k2', value: 'two', partition: 0 },
        { key: null, value: null, partition: 1 },
      ],
    });
    const consumed: Received[] = [];
    const consumer = await startConsumer(before, 'g', ['t'], async (p) => {
      consumed.push(received(p));
    });
    await eventually(() => expect(consumed).toHaveLength(3));
    await consumer.disconnect();
    await before.close();

    const after = startBroker();
    expect(after.partitionsOf('t')).toBe(2);
    await expect(committed(after, 'g')).resolves.toEqual(['2', '1']);
    await expect(after.fetchTopicOffsets('t')).resolves.toEqual([
      { partition: 0, offset: '2', high: '2', low: '0' },
      { partition: 1, offset: '1', high: '1', low: '0' },
    ]);

    // A group that never read the topic sees every message, byte for byte.
    const replayed: { key: string | null; value: string | null; h: string | undefined }[] = [];
    await startConsumer(after, 'fresh', ['t'], async ({ message }) => {
      replayed.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        h: message.headers?.['h']?.toString(),
      });
    });
    await eventually(() => expect(replayed).toHaveLength(3));
    expect(replayed).toEqual(
      expect.arrayContaining([
        { key: 'k1', value: 'one', h: 'v' },
        { key: 'k2', value: 'two', h: undefined },
        { key: null, value: null, h: undefined },
      ]),
    );
  });

  it('redelivers after a restart the message whose handler never finished', async () => {
    const crashed = startBroker();
    await crashed.createTopics({ topics: [{ topic: 't' }] });
    await crashed.send({ topic: 't', messages: ['a', 'b', 'c'].map((value) => ({ value })) });
    const neverFinishes = gate();
    const seenBeforeCrash: string[] = [];
    await startConsumer(crashed, 'g', ['t'], async ({ message }) => {
      seenBeforeCrash.push(message.value?.toString() ?? '');
      if (message.value?.toString() === 'b') await neverFinishes.opened;
    });
    await eventually(() => expect(seenBeforeCrash).toEqual(['a', 'b']));

    // The process "dies" here: a second broker opens the same files while `b` is in flight.
    const restarted = startBroker();
    await expect(committed(restarted, 'g')).resolves.toEqual(['1']);
    const seenAfterRestart: string[] = [];
    await startConsumer(restarted, 'g', ['t'], async ({ message }) => {
      seenAfterRestart.push(message.value?.toString() ?? '');
    });
    await eventually(() => expect(seenAfterRestart).toEqual(['b', 'c']));

    neverFinishes.open(); // lets the abandoned broker close in afterEach
  });

  it('ignores a torn last line left by a crash and keeps appending after it', async () => {
    const first = startBroker();
    await first.createTopics({ topics: [{ topic: 't' }] });
    await first.send({ topic: 't', messages: [{ value: 'kept' }] });
    const consumed: string[] = [];
    const consumer = await startConsumer(first, 'g', ['t'], async ({ message }) => {
      consumed.push(message.value?.toString() ?? '');
    });
    await eventually(() => expect(consumed).toEqual(['kept']));
    await consumer.disconnect();
    await first.close();

    const logFile = join(dir.path, 'topics', 't', '0.jsonl');
    const offsetsFile = join(dir.path, 'groups', 'g.offsets.jsonl');
    appendFileSync(logFile, '{"k":null,"v":"dG9ybg=='); // half a record, no newline
    appendFileSync(offsetsFile, '{"topic":"t","partition":0,"off');

    const second = startBroker();
    await expect(second.fetchTopicOffsets('t')).resolves.toEqual([
      { partition: 0, offset: '1', high: '1', low: '0' },
    ]);
    await expect(committed(second, 'g')).resolves.toEqual(['1']);
    await second.send({ topic: 't', messages: [{ value: 'next' }] });
    await second.close();

    expect(readFileSync(logFile, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    const third = startBroker();
    const replayed: string[] = [];
    await startConsumer(third, 'fresh', ['t'], async ({ message }) => {
      replayed.push(message.value?.toString() ?? '');
    });
    await eventually(() => expect(replayed).toEqual(['kept', 'next']));
  });

  it('refuses to start on a log damaged in the middle, naming the file and line', async () => {
    const first = startBroker();
    await first.createTopics({ topics: [{ topic: 't' }] });
    await first.close();
    appendFileSync(
      join(dir.path, 'topics', 't', '0.jsonl'),
      'not json\n{"k":null,"v":null,"h":{},"t":1}\n',
    );
    expect(() => startBroker()).toThrow(/0\.jsonl:1 holds a damaged record/);
  });
});
