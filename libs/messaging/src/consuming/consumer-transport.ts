import { type CustomStrategy, type KafkaOptions } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { ALL_TOPICS, type TopicSpec } from '#atlas/contracts';
import type { BrokerConnection } from '../broker-connection.js';
import { consumerGroupId, kafkaClientId } from '../service-identity.js';
import { KafkaNamespace } from '../kafka/kafka-namespace.js';
import { EmbeddedBrokerServer } from './embedded-broker.server.js';
import { KafkaConsumerServer } from './kafka-consumer.server.js';
import { KafkaEventDeserializer } from './kafka-event.deserializer.js';

/** Timeouts of the Kafka consumer; kafkajs's defaults unless a test wants faster turns. */
export interface KafkaConsumerTuning {
  /** How long the group waits for a silent member before giving its partitions away. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** How long a fetch waits for new messages; also bounds how long a disconnect waits. */
  readonly maxWaitTimeInMs?: number;
}

export interface ConsumerTransportOptions {
  /** The service name: the consumer group is `atlas-<service>`. */
  readonly service: string;
  readonly broker: BrokerConnection;
  /** Topic definitions, created before subscribing; ALL_TOPICS by default. */
  readonly topics?: readonly TopicSpec[];
  readonly kafka?: KafkaConsumerTuning;
}

/**
 * The options for `app.connectMicroservice(...)` that make the app's `@OnEvent` handlers
 * consume from the service's broker, Kafka or embedded, with the same `KafkaContext` in both.
 */
export function consumerTransport(options: ConsumerTransportOptions): CustomStrategy {
  const topics = options.topics ?? ALL_TOPICS;
  switch (options.broker.kind) {
    case 'kafka': {
      const namespace = new KafkaNamespace(options.broker.namespace);
      return {
        strategy: new KafkaConsumerServer(
          kafkaConsumerOptions(options.service, options.broker.brokers, options.kafka, namespace),
          topics,
          namespace,
        ),
      };
    }
    case 'embedded':
      return {
        strategy: new EmbeddedBrokerServer({
          broker: options.broker.broker,
          groupId: consumerGroupId(options.service),
          topics,
        }),
      };
    default: {
      const unknown: never = options.broker;
      throw new Error(`Unknown broker connection ${JSON.stringify(unknown)}`);
    }
  }
}

/** The `ServerKafka` options every Atlas service consumes with. */
export function kafkaConsumerOptions(
  service: string,
  brokers: readonly string[],
  tuning: KafkaConsumerTuning = {},
  namespace: KafkaNamespace = new KafkaNamespace(undefined),
): Required<KafkaOptions>['options'] {
  return {
    // Nest appends "-server" by default; Atlas names groups exactly `atlas-<service>`.
    postfixId: '',
    client: { clientId: kafkaClientId(service), brokers: [...brokers] },
    consumer: {
      groupId: namespace.group(consumerGroupId(service)),
      sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: tuning.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: tuning.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 1_000,
      allowAutoTopicCreation: false,
    },
    // A new group reads a topic from its start, as the embedded broker does.
    subscribe: { fromBeginning: true },
    // Nest's server keeps a producer for replies; give it the same explicit partitioner.
    producer: { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false },
    parser: { keepBinary: true },
    deserializer: new KafkaEventDeserializer(),
  };
}
