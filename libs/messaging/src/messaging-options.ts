import type { PollingSettings } from '#atlas/worker';
import { ALL_TOPICS, type TopicSpec } from '#atlas/contracts';
import type { BrokerConnection } from './broker-connection.js';
import { consumerGroupId, kafkaClientId } from './service-identity.js';

/** How an `@OnEvent` handler that throws is retried before its message is dead-lettered. */
export interface ConsumerRetryOptions {
  /** Retries after the first attempt; a handful, since the partition waits meanwhile. */
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The relay's polling (`enabled` is off for services that never write to the outbox, or in
 * tests that drive `runOnce()`; commits wake it, so `intervalMs` is only the safety net) and
 * how many rows one pass publishes.
 */
export interface RelayOptions extends PollingSettings {
  readonly batchSize: number;
}

export interface MessagingOptions {
  /** The service name: its consumer group and client id are `atlas-<service>`. */
  readonly service: string;
  readonly broker: BrokerConnection;
  readonly relay?: Partial<RelayOptions>;
  readonly consumer?: Partial<ConsumerRetryOptions>;
  /** Topics created at start-up; every topic in the system by default. */
  readonly topics?: readonly TopicSpec[];
  /** How long a publish may wait for Kafka's acknowledgement before it counts as failed. */
  readonly publishTimeoutMs?: number;
  /** How long the readiness check waits for the broker. */
  readonly healthTimeoutMs?: number;
}

export interface ResolvedMessagingOptions {
  readonly service: string;
  readonly consumerGroup: string;
  readonly clientId: string;
  readonly broker: BrokerConnection;
  readonly relay: RelayOptions;
  readonly consumer: ConsumerRetryOptions;
  readonly topics: readonly TopicSpec[];
  readonly publishTimeoutMs: number;
  readonly healthTimeoutMs: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export const DEFAULT_CONSUMER_RETRY: ConsumerRetryOptions = {
  retries: 4,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

export const DEFAULT_RELAY: RelayOptions = {
  enabled: true,
  // Commits wake the relay (in process, and across replicas by NOTIFY): the poll is only the
  // safety net, and each poll is a transaction on every service's database.
  intervalMs: 5_000,
  batchSize: 100,
  maxBackoffMs: 10_000,
};

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  if (!/^[a-z0-9][a-z0-9.-]*$/i.test(options.service)) {
    throw new Error(
      `MessagingModule: service "${options.service}" must be letters, digits, "." and "-" ` +
        '(it becomes the Kafka consumer group atlas-<service>)',
    );
  }
  return {
    service: options.service,
    consumerGroup: consumerGroupId(options.service),
    clientId: kafkaClientId(options.service),
    broker: options.broker,
    relay: { ...DEFAULT_RELAY, ...options.relay },
    consumer: { ...DEFAULT_CONSUMER_RETRY, ...options.consumer },
    topics: options.topics ?? ALL_TOPICS,
    publishTimeoutMs: options.publishTimeoutMs ?? 30_000,
    healthTimeoutMs: options.healthTimeoutMs ?? 1_500,
  };
}
