import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { partitionForKey } from './key-partitioner.js';
import { murmur2 } from './murmur2.js';

function kafkajsPartition(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, id) => ({
    partitionId: id,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('murmur2', () => {
  // The vectors from Kafka's own UtilsTest#testMurmur2 (Java client).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %p like the Java client', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });
});

describe('partitionForKey', () => {
  it('picks the same partition as kafkajs DefaultPartitioner for many keys and partition counts', () => {
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'ünïcödé-ключ',
      ...Array.from({ length: 300 }, () => randomUUID()),
    ];
    const mismatches: string[] = [];
    for (const partitions of [1, 2, 3, 7, 12, 50]) {
      for (const key of keys) {
        const ours = partitionForKey(key, partitions);
        const theirs = kafkajsPartition(key, partitions);
        if (ours !== theirs) mismatches.push(`${key}/${partitions}: ${ours} != ${theirs}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('maps a key whose hash is negative into range, as Kafka does (mask, not abs)', () => {
    // murmur2('21') is negative; masking keeps the low 31 bits.
    expect(partitionForKey('21', 1000)).toBe((-973932308 & 0x7fffffff) % 1000);
  });

  it('rejects a non-positive partition count with a clear error', () => {
    expect(() => partitionForKey('k', 0)).toThrow('partitions must be a positive integer');
  });
});
