import type { TopicSpec } from '#atlas/contracts';

/**
 * Topic creation and reachability, for Kafka or the embedded broker: the one place that talks
 * to the broker as an administrator.
 */
export abstract class BrokerAdmin {
  /** Creates the topics that are missing and returns once each has a leader. Idempotent. */
  abstract ensureTopics(topics: readonly TopicSpec[]): Promise<void>;

  /** Resolves if the broker answers; throws an Error that says what is wrong if not. */
  abstract ping(): Promise<void>;
  /**
   * Per topic (contract names), how many messages the service's consumer group has not
   * committed yet: the log-end offset minus the committed offset, summed over partitions.
   */
  abstract consumerLag(topics: readonly string[]): Promise<Map<string, number>>;
}
