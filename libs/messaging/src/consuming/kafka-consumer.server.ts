import type { TopicSpec } from '#atlas/contracts';
import { type KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { KafkaNamespace } from '../kafka/kafka-namespace.js';
import { ensureKafkaTopics } from '../topics/ensure-kafka-topics.js';
import { topicsForHandlers } from './handler-topics.js';

/**
 * Nest's own Kafka transport, with one addition: before the consumer subscribes, it makes sure
 * the topics it will subscribe to exist. Under KRaft a subscription to a missing topic fails,
 * and apps may start their microservice before `app.init()` has run MessagingModule's topic
 * creation, so the consumer cannot rely on it. It also reads through the service's Kafka
 * namespace: it subscribes to the prefixed topics and hands handlers the contract's names.
 */
export class KafkaConsumerServer extends ServerKafka {
  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly topics: readonly TopicSpec[],
    private readonly namespace: KafkaNamespace = new KafkaNamespace(undefined),
  ) {
    super(options);
  }

  override async start(callback: () => void): Promise<void> {
    const needed = topicsForHandlers([...this.messageHandlers.keys()], this.topics);
    if (!this.client) throw new Error('KafkaConsumerServer.start() runs only from listen()');
    const admin = this.client.admin();
    await admin.connect();
    try {
      await ensureKafkaTopics(
        admin,
        needed.map((spec) => ({ ...spec, topic: this.namespace.topic(spec.topic) })),
      );
    } finally {
      await admin.disconnect();
    }
    await super.start(callback);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()].map((topic) => this.namespace.topic(topic));
    if (topics.length > 0) await consumer.subscribe({ ...this.options.subscribe, topics });
    await consumer.run({ ...this.options.run, eachMessage: this.getMessageHandler() });
  }

  override handleMessage(payload: EachMessagePayload): Promise<unknown> {
    return super.handleMessage({ ...payload, topic: this.namespace.logical(payload.topic) });
  }
}
