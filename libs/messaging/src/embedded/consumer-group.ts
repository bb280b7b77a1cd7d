import type { LoggerService } from '@nestjs/common';
import type { GroupMember } from './group-member.js';
import { type OffsetStore, partitionKey } from './offset-store.js';
import { assignPartitions } from './partition-assignor.js';
import type { PartitionLog } from './partition-log.js';
import { PartitionRunner } from './partition-runner.js';
import { type BackoffOptions } from '#atlas/resilience';

/** What a consumer group needs from the broker that hosts it. */
export interface ConsumerGroupHost {
  readonly offsets: OffsetStore;
  readonly redelivery: BackoffOptions;
  readonly logger: LoggerService;
  partitionsOf(topic: string): number;
  log(topic: string, partition: number): PartitionLog;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly generationId: number;
  readonly members: { memberId: string; assignment: Record<string, number[]> }[];
}

/**
 * A consumer group: its members, which member owns which partition, and one delivery loop per
 * partition. Every join and every leave reassigns all partitions among the active members
 * (an eager rebalance, as with kafkajs).
 */
export class ConsumerGroup {
  private members: GroupMember[] = [];
  private readonly owners = new Map<string, GroupMember>();
  private readonly runners = new Map<string, PartitionRunner>();
  private generationId = 0;

  constructor(
    readonly groupId: string,
    private readonly host: ConsumerGroupHost,
  ) {}

  join(member: GroupMember): void {
    this.members.push(member);
    this.rebalance();
  }

  /**
   * Takes the member out of the assignment at once, then waits for its in-flight handlers.
   * Its partitions' loops hand the next message to the new owners only after those settle.
   */
  async leave(member: GroupMember): Promise<void> {
    if (!this.members.includes(member)) return;
    member.state = 'leaving';
    this.rebalance();
    await Promise.all([...this.runners.values()].map((runner) => runner.drain(member)));
    this.members = this.members.filter((m) => m !== member);
  }

  messageAppended(topic: string, partition: number): void {
    this.runners.get(partitionKey(topic, partition))?.wake();
  }

  describe(): GroupDescription {
    const assignment = new Map<string, Record<string, number[]>>();
    for (const [key, member] of this.owners) {
      const at = key.lastIndexOf('#');
      const topic = key.slice(0, at);
      const forMember = assignment.get(member.memberId) ?? {};
      forMember[topic] = [...(forMember[topic] ?? []), Number(key.slice(at + 1))].sort(
        (a, b) => a - b,
      );
      assignment.set(member.memberId, forMember);
    }
    return {
      groupId: this.groupId,
      generationId: this.generationId,
      members: this.members
        .filter((m) => m.state === 'active')
        .map((m) => ({ memberId: m.memberId, assignment: assignment.get(m.memberId) ?? {} })),
    };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  private rebalance(): void {
    const active = this.members.filter((m) => m.state === 'active');
    const assignment = assignPartitions(active, (topic) => this.host.partitionsOf(topic));
    this.generationId++;
    this.owners.clear();
    for (const member of active) {
      for (const [topic, partitions] of assignment.get(member.memberId) ?? []) {
        for (const partition of partitions) {
          this.owners.set(partitionKey(topic, partition), member);
          this.runnerFor(topic, partition);
        }
      }
    }
    for (const runner of this.runners.values()) runner.wake();
    const generationId = this.generationId;
    const leaderId = active[0]?.memberId ?? '';
    for (const member of active) {
      member.assigned(generationId, leaderId, assignment.get(member.memberId) ?? new Map());
    }
  }

  private runnerFor(topic: string, partition: number): PartitionRunner {
    const key = partitionKey(topic, partition);
    let runner = this.runners.get(key);
    if (!runner) {
      runner = new PartitionRunner({
        groupId: this.groupId,
        topic,
        partition,
        log: this.host.log(topic, partition),
        offsets: this.host.offsets,
        redelivery: this.host.redelivery,
        logger: this.host.logger,
        owner: () => this.owners.get(key),
      });
      this.runners.set(key, runner);
    }
    return runner;
  }
}
