import { murmur2 } from './murmur2.js';

/**
 * The partition Kafka's default partitioner picks for a keyed message:
 * `toPositive(murmur2(key)) % partitions`. The embedded broker uses it too, so an aggregate's
 * events land on the same partition number in embedded and distributed mode.
 */
export function partitionForKey(key: Buffer | string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // `& 0x7fffffff` rather than Math.abs: that is what Kafka does, and abs(MIN_INT) overflows.
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}
