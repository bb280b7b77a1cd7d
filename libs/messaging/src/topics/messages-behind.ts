/** A partition's earliest and next offsets, as kafkajs's `admin.fetchTopicOffsets` gives them. */
export interface PartitionEnds {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** A group's committed offset of a partition, "-1" when it has committed none. */
export interface CommittedOffset {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Messages of a topic the group has yet to commit. A partition without a commit counts from its
 * earliest offset, since Atlas consumers start from the beginning (`fromBeginning: true`).
 */
export function messagesBehind(
  ends: readonly PartitionEnds[],
  committed: readonly CommittedOffset[] = [],
): number {
  let behind = 0;
  for (const { partition, low, high } of ends) {
    const offset = Number(committed.find((c) => c.partition === partition)?.offset ?? -1);
    const from = offset >= 0 ? offset : Number(low);
    behind += Math.max(0, Number(high) - from);
  }
  return behind;
}
