import type { EmbeddedBroker } from './embedded/embedded-broker.js';

/** Which broker a service talks to: real Kafka, or the run's shared in-process broker. */
export type BrokerConnection =
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      /** Prefix of every topic and group on the cluster; see KafkaNamespace. */
      readonly namespace?: string;
    }
  | { readonly kind: 'embedded'; readonly broker: EmbeddedBroker };
