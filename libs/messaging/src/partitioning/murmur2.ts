const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), the hash behind the Java
 * client's and kafkajs's default partitioner. Java's 32-bit int arithmetic is reproduced with
 * `Math.imul` and `>>>`, so a key hashes to the same signed 32-bit value in every client.
 */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = Math.floor(length / 4);

  for (let i = 0; i < length4; i++) {
    // Java assembles the four bytes little-endian into an int.
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  // The Java switch falls through from 3 to 1; spelled out as conditions here.
  const tail = length & ~3;
  const remaining = length % 4;
  if (remaining === 3) h ^= data.readUInt8(tail + 2) << 16;
  if (remaining >= 2) h ^= data.readUInt8(tail + 1) << 8;
  if (remaining >= 1) {
    h ^= data.readUInt8(tail);
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
