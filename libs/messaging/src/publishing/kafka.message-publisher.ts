import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { MessagingError } from '../errors/messaging.error.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.js';
import { KafkaNamespace } from '../kafka/kafka-namespace.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { byTopic, MessagePublisher, type OutgoingMessage } from './message-publisher.js';

/**
 * Publishes through a kafkajs producer that is idempotent (the broker drops the duplicates its
 * own retries would create) and waits for `acks: -1` (every in-sync replica). The partitioner
 * is set explicitly to the Java-compatible murmur2 one, which the embedded broker mirrors.
 */
@Injectable()
export class KafkaMessagePublisher extends MessagePublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private readonly namespace: KafkaNamespace;
  private connected: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    super();
    this.namespace = new KafkaNamespace(
      options.broker.kind === 'kafka' ? options.broker.namespace : undefined,
    );
    this.producer = kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    // The idempotent producer retries without end while Kafka is away; a deadline turns that
    // into an error the caller can back off from. If the send still completes later, the
    // messages go out twice, which consumers absorb through their inbox.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new MessagingError(
            'MESSAGING.PUBLISH_TIMEOUT',
            `Kafka did not acknowledge ${messages.length} message(s) within ${this.options.publishTimeoutMs} ms; ` +
              'check that the brokers are reachable and the topics exist',
          ),
        );
      }, this.options.publishTimeoutMs);
    });
    try {
      await Promise.race([
        this.producer.sendBatch({
          acks: -1,
          topicMessages: byTopic(
            messages.map((message) => ({ ...message, topic: this.namespace.topic(message.topic) })),
          ),
        }),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  private connect(): Promise<void> {
    // Connect on first use and again after a failed attempt, so a broker that was down at
    // start-up does not need a restart of the service.
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }
}
