import { randomUUID } from 'node:crypto';
import { type Admin, type Kafka, logLevel } from 'kafkajs';
import { MessagingError } from '../errors/messaging.error.js';
import { createKafkaClient } from '../kafka/kafka-client.js';
import { KafkaNamespace } from '../kafka/kafka-namespace.js';
import { resolveMessagingOptions } from '../messaging-options.js';
import { KafkaMessagePublisher } from '../publishing/kafka.message-publisher.js';
import type { OutgoingMessage } from '../publishing/message-publisher.js';
import { type DeadLetterRecord, isDeadLetterTopic } from './dead-letter.js';
import { DeadLetterQueues, type DeadLetterTopic } from './dead-letter-queues.js';

const READ_TIMEOUT_MS = 30_000;

/**
 * Dead-letter topics on Kafka. Reading uses a throwaway consumer group that commits nothing
 * and is deleted afterwards, so inspecting a topic never moves anyone's offsets.
 */
export class KafkaDeadLetterQueues extends DeadLetterQueues {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly namespace: KafkaNamespace;
  private readonly publisher: KafkaMessagePublisher;
  private connected: Promise<void> | undefined;

  constructor(brokers: readonly string[], namespace?: string) {
    super();
    this.kafka = createKafkaClient('atlas-dlq', brokers, { logLevel: logLevel.ERROR });
    this.admin = this.kafka.admin();
    this.namespace = new KafkaNamespace(namespace);
    this.publisher = new KafkaMessagePublisher(
      this.kafka,
      resolveMessagingOptions({
        service: 'dlq',
        broker:
          namespace === undefined
            ? { kind: 'kafka', brokers }
            : { kind: 'kafka', brokers, namespace },
      }),
    );
  }

  async topics(): Promise<DeadLetterTopic[]> {
    await this.connect();
    const physical = await this.admin.listTopics();
    const topics: DeadLetterTopic[] = [];
    for (const name of physical.sort()) {
      const logical = this.logicalName(name);
      if (logical === undefined || !isDeadLetterTopic(logical)) continue;
      const offsets = await this.admin.fetchTopicOffsets(name);
      topics.push({
        topic: logical,
        count: offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0),
      });
    }
    return topics;
  }

  async read(topic: string): Promise<DeadLetterRecord[]> {
    await this.connect();
    const physical = this.namespace.topic(topic);
    if (!(await this.admin.listTopics()).includes(physical)) {
      throw new MessagingError('MESSAGING.UNKNOWN_TOPIC', `There is no topic ${physical}`);
    }
    const offsets = await this.admin.fetchTopicOffsets(physical);
    // The last offset of each partition that holds messages: read until every one is reached.
    const remaining = new Map(
      offsets
        .filter((p) => Number(p.high) > Number(p.low))
        .map((p) => [p.partition, Number(p.high) - 1]),
    );
    if (remaining.size === 0) return [];

    const groupId = `atlas-dlq-reader-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const records: DeadLetterRecord[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [physical], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Reading ${physical} took longer than ${READ_TIMEOUT_MS} ms`)),
          READ_TIMEOUT_MS,
        );
        void consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const last = remaining.get(partition);
              if (last === undefined || Number(message.offset) > last) return;
              records.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key?.toString('utf8') ?? null,
                value: message.value ? Buffer.from(message.value) : null,
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).flatMap(([name, value]) => {
                    const first = Array.isArray(value) ? value[0] : value;
                    return first === undefined ? [] : [[name, first.toString()]];
                  }),
                ),
              });
              if (Number(message.offset) >= last) remaining.delete(partition);
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.publisher.publish(messages);
  }

  async close(): Promise<void> {
    await this.publisher.onApplicationShutdown();
    if (this.connected) await this.admin.disconnect();
  }

  private connect(): Promise<void> {
    this.connected ??= this.admin.connect();
    return this.connected;
  }

  private logicalName(physical: string): string | undefined {
    try {
      return this.namespace.logical(physical);
    } catch {
      return undefined; // another environment's topic
    }
  }
}
