import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { EachMessagePayload } from 'kafkajs';
import type { ConsumerGroup } from './consumer-group.js';
import type { GroupMember } from './group-member.js';
import { Semaphore } from './semaphore.js';

/** kafkajs's consumer event names, for the events the embedded consumer emits. */
export const EMBEDDED_CONSUMER_EVENTS = {
  CONNECT: 'consumer.connect',
  GROUP_JOIN: 'consumer.group_join',
  REBALANCING: 'consumer.rebalancing',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  STOP: 'consumer.stop',
  DISCONNECT: 'consumer.disconnect',
  CRASH: 'consumer.crash',
} as const;

export type EmbeddedConsumerEventName =
  (typeof EMBEDDED_CONSUMER_EVENTS)[keyof typeof EMBEDDED_CONSUMER_EVENTS];

/** Shaped like kafkajs's instrumentation events: `{ id, type, timestamp, payload }`. */
export interface EmbeddedConsumerEvent<Payload = object> {
  readonly id: string;
  readonly type: EmbeddedConsumerEventName;
  readonly timestamp: number;
  readonly payload: Payload;
}

export interface GroupJoinPayload {
  readonly groupId: string;
  readonly memberId: string;
  readonly leaderId: string;
  readonly isLeader: boolean;
  readonly memberAssignment: Record<string, number[]>;
  readonly groupProtocol: 'RoundRobinAssigner';
  readonly duration: number;
}

export interface EmbeddedConsumerRunConfig {
  eachMessage(payload: EachMessagePayload): Promise<void>;
  /** As in kafkajs: how many partitions this consumer processes at once. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
}

export type EmbeddedSubscription =
  | { readonly topics: readonly string[]; readonly fromBeginning?: boolean }
  | { readonly topic: string; readonly fromBeginning?: boolean };

/** What a consumer needs from the broker it belongs to. */
export interface EmbeddedConsumerHost {
  assertTopicExists(topic: string): void;
  group(groupId: string): ConsumerGroup;
  consumerClosed(consumer: EmbeddedConsumer): void;
}

type ConsumerState = 'created' | 'connected' | 'running' | 'disconnected';

/**
 * The subset of kafkajs's consumer that Atlas uses (`connect`, `subscribe`, `run({ eachMessage })`,
 * `disconnect`, `on`), over the embedded broker. Messages arrive exactly as kafkajs shapes them.
 */
export class EmbeddedConsumer {
  readonly events = EMBEDDED_CONSUMER_EVENTS;
  private readonly emitter = new EventEmitter();
  private readonly topics = new Set<string>();
  private state: ConsumerState = 'created';
  private member: GroupMember | undefined;
  private currentAssignment: Record<string, number[]> = {};

  constructor(
    private readonly host: EmbeddedConsumerHost,
    readonly groupId: string,
  ) {}

  async connect(): Promise<void> {
    if (this.state === 'created') {
      this.state = 'connected';
      this.emit(this.events.CONNECT, {});
    }
  }

  async subscribe(subscription: EmbeddedSubscription): Promise<void> {
    if (this.state === 'running') {
      throw new Error(
        'Cannot subscribe to topics while the consumer is running: subscribe before run()',
      );
    }
    if (subscription.fromBeginning === false) {
      throw new Error(
        'The EmbeddedBroker only supports fromBeginning: true (a new group starts at the earliest offset), ' +
          'which is how Atlas subscribes in Kafka mode too',
      );
    }
    const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
    for (const topic of topics) {
      if (typeof topic !== 'string') {
        throw new TypeError('The EmbeddedBroker subscribes to topic names only, not patterns');
      }
      this.host.assertTopicExists(topic);
      this.topics.add(topic);
    }
  }

  /** Joins the group. As with kafkajs, this resolves before GROUP_JOIN: wait for that event. */
  async run(config: EmbeddedConsumerRunConfig): Promise<void> {
    if (this.state === 'running') throw new Error('The consumer is already running');
    if (this.state === 'disconnected')
      throw new Error('The consumer is disconnected; create a new one');
    if (this.topics.size === 0) throw new Error('Subscribe to at least one topic before run()');
    this.state = 'running';
    const memberId = `${this.groupId}-${randomUUID()}`;
    this.member = {
      memberId,
      topics: new Set(this.topics),
      state: 'active',
      slots: new Semaphore(config.partitionsConsumedConcurrently ?? 1),
      eachMessage: (payload) => config.eachMessage(payload),
      assigned: (generationId, leaderId, assignment) =>
        this.assigned(memberId, generationId, leaderId, assignment),
      committed: (topic, partition, offset) =>
        this.emit(this.events.COMMIT_OFFSETS, {
          groupId: this.groupId,
          memberId,
          topics: [
            { topic, partitions: [{ partition: String(partition), offset: String(offset) }] },
          ],
        }),
    };
    this.host.group(this.groupId).join(this.member);
  }

  /** Leaves the group once in-flight handlers have finished; their offsets are committed first. */
  async disconnect(): Promise<void> {
    if (this.state === 'disconnected') return;
    const member = this.member;
    this.state = 'disconnected';
    if (member) {
      await this.host.group(this.groupId).leave(member);
      this.emit(this.events.STOP, {});
    }
    this.currentAssignment = {};
    this.host.consumerClosed(this);
    this.emit(this.events.DISCONNECT, {});
  }

  /** Registers a listener; returns the function that removes it (as kafkajs does). */
  on(
    eventName: typeof EMBEDDED_CONSUMER_EVENTS.GROUP_JOIN,
    listener: (event: EmbeddedConsumerEvent<GroupJoinPayload>) => void,
  ): () => void;
  on(
    eventName: EmbeddedConsumerEventName,
    listener: (event: EmbeddedConsumerEvent) => void,
  ): () => void;
  on(
    eventName: EmbeddedConsumerEventName,
    listener: (event: EmbeddedConsumerEvent<never>) => void,
  ): () => void {
    this.emitter.on(eventName, listener);
    return () => {
      this.emitter.off(eventName, listener);
    };
  }

  /** The partitions this consumer owns now, per topic. */
  assignment(): Record<string, number[]> {
    return structuredClone(this.currentAssignment);
  }

  private assigned(
    memberId: string,
    generationId: number,
    leaderId: string,
    assignment: Map<string, number[]>,
  ): void {
    this.currentAssignment = Object.fromEntries(assignment);
    const payload: GroupJoinPayload = {
      groupId: this.groupId,
      memberId,
      leaderId,
      isLeader: leaderId === memberId,
      memberAssignment: structuredClone(this.currentAssignment),
      groupProtocol: 'RoundRobinAssigner',
      duration: 0,
    };
    // Emitted on the next tick, as with kafkajs, so listeners never run inside a rebalance.
    queueMicrotask(() => {
      this.emit(this.events.REBALANCING, { groupId: this.groupId, memberId });
      this.emit(this.events.GROUP_JOIN, { ...payload, generationId });
    });
  }

  private emit(type: EmbeddedConsumerEventName, payload: object): void {
    const event: EmbeddedConsumerEvent = {
      id: randomUUID(),
      type,
      timestamp: Date.now(),
      payload,
    };
    this.emitter.emit(type, event);
  }
}
