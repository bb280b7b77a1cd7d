// Module and configuration
export * from './messaging.module.js';
export type {
  ConsumerRetryOptions,
  MessagingOptions,
  RelayOptions,
  ResolvedMessagingOptions,
} from './messaging-options.js';
export { MESSAGING_OPTIONS } from './messaging-options.js';
export type { BrokerConnection } from './broker-connection.js';
export { consumerGroupId, kafkaClientId } from './service-identity.js';
export * from './errors/messaging.error.js';

// Embedded broker
export { EmbeddedBroker } from './embedded/embedded-broker.js';
export type { EmbeddedBrokerOptions, EmbeddedTopicConfig } from './embedded/embedded-broker.js';
export type {
  EmbeddedConsumer,
  EmbeddedConsumerEvent,
  EmbeddedConsumerRunConfig,
  GroupJoinPayload,
} from './embedded/embedded-consumer.js';
export type { EmbeddedProducer } from './embedded/embedded-producer.js';
export type { GroupDescription } from './embedded/consumer-group.js';
export { partitionForKey } from './partitioning/key-partitioner.js';

// Publishing and topics
export { MessagePublisher } from './publishing/message-publisher.js';
export type { OutgoingMessage } from './publishing/message-publisher.js';
export { BrokerAdmin } from './topics/broker-admin.js';
export { BrokerHealthCheck } from './health/broker.health-check.js';

// Consuming
export * from './consuming/consumer-transport.js';
export * from './consuming/on-event.decorator.js';
export { OnEventInterceptor } from './consuming/on-event.interceptor.js';
export { EmbeddedBrokerServer } from './consuming/embedded-broker.server.js';
export { KafkaConsumerServer } from './consuming/kafka-consumer.server.js';
export * from './consuming/dead-letter-headers.js';
export { DeadLetterPublisher } from './consuming/dead-letter.publisher.js';
export type { DeliveryFailure, FailedDelivery } from './consuming/dead-letter.publisher.js';

// Dead letters: inspect and replay
export * from './dead-letters/dead-letter.js';
export * from './dead-letters/dead-letter-queues.js';
export { KafkaDeadLetterQueues } from './dead-letters/kafka.dead-letter-queues.js';
export { EmbeddedDeadLetterQueues } from './dead-letters/embedded.dead-letter-queues.js';
export { DEAD_LETTER_USAGE, runDeadLetterCommand } from './dead-letters/dead-letter.command.js';

// Metrics
export { MessagingMetrics } from './metrics/messaging.metrics.js';
export type { ProcessedOutcome } from './metrics/messaging.metrics.js';

// Outbox and inbox, and their tables in the service's database
export { messagingTables } from './messaging-tables.js';
export { OutboxService } from './outbox/outbox.service.js';
export { OutboxRelay } from './outbox/outbox.relay.js';
export { OUTBOX_RELAY_LOCK } from './outbox/outbox.store.js';
export type { RelayPass } from './outbox/outbox.relay.js';
export { InboxService } from './inbox/inbox.service.js';
