import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Logger, type LoggerService } from '@nestjs/common';
import type { IHeaders, Message, RecordMetadata } from 'kafkajs';
import { z } from 'zod';
import { partitionForKey } from '../partitioning/key-partitioner.js';
import { ConsumerGroup, type ConsumerGroupHost, type GroupDescription } from './consumer-group.js';
import { EmbeddedConsumer, type EmbeddedConsumerHost } from './embedded-consumer.js';
import { EmbeddedProducer } from './embedded-producer.js';
import { OffsetStore } from './offset-store.js';
import { PartitionLog } from './partition-log.js';
import { type BackoffOptions } from '#atlas/resilience';

export interface EmbeddedBrokerOptions {
  /**
   * Folder for append-only partition logs and committed offsets, so both survive a restart.
   * Omit to keep everything in memory.
   */
  readonly dataDir?: string;
  /** Backoff before a message whose handler rejected is delivered again. */
  readonly redelivery?: Partial<BackoffOptions>;
  readonly logger?: LoggerService;
}

export interface EmbeddedTopicConfig {
  readonly topic: string;
  /** Kafka's broker default is 1. */
  readonly numPartitions?: number;
}

interface Topic {
  readonly name: string;
  readonly partitions: PartitionLog[];
  /** Spreads keyless messages over partitions, as kafkajs's default partitioner does. */
  roundRobin: number;
}

const TopicMeta = z.object({ partitions: z.number().int().positive() });

// Kafka's own rule (kafka.common.Topic): it also makes topic names safe as folder names.
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * An in-process broker with Kafka's semantics, for embedded mode and fast tests: topics with
 * partitions, keyed partitioning with Kafka's murmur2 partitioner, per-partition ordered logs
 * with offsets, consumer groups with rebalancing, committed offsets and redelivery of anything
 * not committed. Producers and consumers are shaped like kafkajs's, so the code above them is
 * the same in both modes.
 */
export class EmbeddedBroker implements ConsumerGroupHost, EmbeddedConsumerHost {
  readonly offsets: OffsetStore;
  readonly redelivery: BackoffOptions;
  readonly logger: LoggerService;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly consumers = new Set<EmbeddedConsumer>();
  private closed = false;

  constructor(private readonly options: EmbeddedBrokerOptions = {}) {
    this.logger = options.logger ?? new Logger('EmbeddedBroker');
    this.redelivery = {
      initialDelayMs: options.redelivery?.initialDelayMs ?? 100,
      maxDelayMs: options.redelivery?.maxDelayMs ?? 5_000,
    };
    this.offsets = new OffsetStore(
      options.dataDir === undefined ? undefined : join(options.dataDir, 'groups'),
    );
    if (options.dataDir !== undefined) this.loadTopics(join(options.dataDir, 'topics'));
  }

  /** Creates the topics that do not exist yet; true if it created any (like kafkajs's admin). */
  async createTopics(request: { topics: readonly EmbeddedTopicConfig[] }): Promise<boolean> {
    this.assertOpen();
    let created = false;
    for (const { topic, numPartitions = 1 } of request.topics) {
      if (!LEGAL_TOPIC.test(topic)) {
        throw new Error(
          `Invalid topic name "${topic}": use 1-249 characters from [a-zA-Z0-9._-], as Kafka requires`,
        );
      }
      if (!Number.isInteger(numPartitions) || numPartitions < 1) {
        throw new Error(
          `Topic "${topic}" needs a positive integer partition count, got ${numPartitions}`,
        );
      }
      if (this.topics.has(topic)) continue;
      this.persistTopic(topic, numPartitions);
      this.topics.set(topic, {
        name: topic,
        partitions: Array.from(
          { length: numPartitions },
          (_, partition) => new PartitionLog(this.logPath(topic, partition)),
        ),
        roundRobin: 0,
      });
      created = true;
    }
    return created;
  }

  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()].sort();
  }

  /** Appends the messages and resolves with where each landed: the broker has accepted them. */
  async send(record: { topic: string; messages: readonly Message[] }): Promise<RecordMetadata[]> {
    this.assertOpen();
    const topic = this.requireTopic(record.topic);
    // Check the whole batch before appending any of it, so a bad message rejects the batch.
    const placed = record.messages.map((message) => {
      const partition = this.choosePartition(topic, message);
      const log = topic.partitions[partition];
      if (!log) {
        throw new Error(
          `Topic "${topic.name}" has ${topic.partitions.length} partition(s); partition ${partition} does not exist`,
        );
      }
      return { message, partition, log, headers: toHeaderBuffers(message.headers) };
    });
    const results: RecordMetadata[] = [];
    for (const { message, partition, log, headers } of placed) {
      const stored = log.append({
        key: toBuffer(message.key),
        value: toBuffer(message.value),
        headers,
        timestamp: message.timestamp === undefined ? Date.now() : Number(message.timestamp),
      });
      results.push({
        topicName: topic.name,
        partition,
        errorCode: 0,
        offset: String(stored.offset),
        baseOffset: String(stored.offset),
        timestamp: String(stored.timestamp),
      });
      for (const group of this.groups.values()) group.messageAppended(topic.name, partition);
    }
    return results;
  }

  /** True once `close()` ran: the broker takes no more messages or consumers. */
  get isClosed(): boolean {
    return this.closed;
  }

  producer(): EmbeddedProducer {
    return new EmbeddedProducer(this);
  }

  consumer(config: { groupId: string }): EmbeddedConsumer {
    this.assertOpen();
    if (!config.groupId) throw new Error('A consumer needs a groupId');
    const consumer = new EmbeddedConsumer(this, config.groupId);
    this.consumers.add(consumer);
    return consumer;
  }

  /** Like kafkajs's `admin.fetchTopicOffsets`: per partition, the earliest and next offsets. */
  async fetchTopicOffsets(
    topicName: string,
  ): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
    const topic = this.requireTopic(topicName);
    return topic.partitions.map((log, partition) => ({
      partition,
      offset: String(log.endOffset),
      high: String(log.endOffset),
      low: '0',
    }));
  }

  /** Like kafkajs's `admin.fetchOffsets`: the group's committed offsets ("-1" when none). */
  async fetchOffsets(request: {
    groupId: string;
    topics: readonly string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    return request.topics.map((name) => ({
      topic: name,
      partitions: this.requireTopic(name).partitions.map((_, partition) => ({
        partition,
        offset: String(this.offsets.committed(request.groupId, name, partition) ?? -1),
      })),
    }));
  }

  /** The group's active members and their partitions. */
  describeGroup(groupId: string): GroupDescription {
    return this.groups.get(groupId)?.describe() ?? { groupId, generationId: 0, members: [] };
  }

  /** Disconnects every consumer (after their in-flight handlers) and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.closed = true;
    await Promise.all([...this.groups.values()].map((group) => group.stop()));
    for (const topic of this.topics.values()) for (const log of topic.partitions) log.close();
    this.offsets.close();
  }

  // Internal: used by consumer groups and consumers.

  partitionsOf(topic: string): number {
    return this.requireTopic(topic).partitions.length;
  }

  log(topicName: string, partition: number): PartitionLog {
    const log = this.requireTopic(topicName).partitions[partition];
    if (!log) throw new Error(`Topic "${topicName}" has no partition ${partition}`);
    return log;
  }

  assertTopicExists(topic: string): void {
    this.requireTopic(topic);
  }

  group(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId, this);
      this.groups.set(groupId, group);
    }
    return group;
  }

  consumerClosed(consumer: EmbeddedConsumer): void {
    this.consumers.delete(consumer);
  }

  private requireTopic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) {
      // The same rule as Kafka under KRaft with auto-creation off: topics exist before use.
      throw new Error(
        `This server does not host this topic-partition: topic "${name}" does not exist. ` +
          'Create it first (MessagingModule creates every topic in ALL_TOPICS at start-up).',
      );
    }
    return topic;
  }

  private choosePartition(topic: Topic, message: Message): number {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key !== undefined && message.key !== null) {
      return partitionForKey(message.key, topic.partitions.length);
    }
    return topic.roundRobin++ % topic.partitions.length;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The EmbeddedBroker is closed');
  }

  private persistTopic(topic: string, numPartitions: number): void {
    if (this.options.dataDir === undefined) return;
    const dir = join(this.options.dataDir, 'topics', topic);
    mkdirSync(dir, { recursive: true });
    const meta = join(dir, 'topic.json');
    writeFileSync(`${meta}.tmp`, JSON.stringify({ partitions: numPartitions }));
    renameSync(`${meta}.tmp`, meta);
  }

  private loadTopics(dir: string): void {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const meta = join(dir, name, 'topic.json');
      if (!existsSync(meta)) continue;
      const { partitions } = TopicMeta.parse(JSON.parse(readFileSync(meta, 'utf8')));
      this.topics.set(name, {
        name,
        partitions: Array.from(
          { length: partitions },
          (_, partition) => new PartitionLog(this.logPath(name, partition)),
        ),
        roundRobin: 0,
      });
    }
  }

  private logPath(topic: string, partition: number): string | undefined {
    if (this.options.dataDir === undefined) return undefined;
    return join(this.options.dataDir, 'topics', topic, `${partition}.jsonl`);
  }
}

function toBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === undefined || value === null) return null;
  return Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(value, 'utf8');
}

function toHeaderBuffers(headers: IHeaders | undefined): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      throw new Error(`Header "${name}" has several values; the EmbeddedBroker keeps one per name`);
    }
    result[name] = toBuffer(value) ?? Buffer.alloc(0);
  }
  return result;
}
