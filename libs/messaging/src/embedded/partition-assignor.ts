export interface AssignableMember {
  readonly memberId: string;
  readonly topics: ReadonlySet<string>;
}

/** topic → partitions, per member id. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

/**
 * Round-robin assignment, like kafkajs's default `RoundRobinAssigner`: every partition of every
 * subscribed topic (topics sorted by name) goes to the next member in join order that
 * subscribes to that topic. Members that subscribe to the same topics differ by at most one
 * partition.
 */
export function assignPartitions(
  members: readonly AssignableMember[],
  partitionsOf: (topic: string) => number,
): GroupAssignment {
  const assignment: GroupAssignment = new Map(members.map((m) => [m.memberId, new Map()]));
  const topics = [...new Set(members.flatMap((m) => [...m.topics]))].sort();
  let cursor = 0;
  for (const topic of topics) {
    for (let partition = 0; partition < partitionsOf(topic); partition++) {
      for (let tried = 0; tried < members.length; tried++) {
        const member = members[cursor % members.length];
        cursor++;
        if (member?.topics.has(topic)) {
          const partitions = assignment.get(member.memberId)?.get(topic) ?? [];
          partitions.push(partition);
          assignment.get(member.memberId)?.set(topic, partitions);
          break;
        }
      }
    }
  }
  return assignment;
}
