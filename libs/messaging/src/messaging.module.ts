import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetterPublisher } from './consuming/dead-letter.publisher.js';
import { OnEventInterceptor } from './consuming/on-event.interceptor.js';
import { BrokerHealthCheck } from './health/broker.health-check.js';
import { InboxService } from './inbox/inbox.service.js';
import { createKafkaClient, KAFKA_CLIENT } from './kafka/kafka-client.js';
import {
  MESSAGING_OPTIONS,
  type MessagingOptions,
  type ResolvedMessagingOptions,
  resolveMessagingOptions,
} from './messaging-options.js';
import { ConsumerLagGauge } from './metrics/consumer-lag.gauge.js';
import { MessagingMetrics } from './metrics/messaging.metrics.js';
import { OutboxBacklogGauge } from './metrics/outbox-backlog.gauge.js';
import { OutboxRelay } from './outbox/outbox.relay.js';
import { OutboxService } from './outbox/outbox.service.js';
import { OutboxStore } from './outbox/outbox.store.js';
import { EmbeddedMessagePublisher } from './publishing/embedded.message-publisher.js';
import { KafkaMessagePublisher } from './publishing/kafka.message-publisher.js';
import { MessagePublisher } from './publishing/message-publisher.js';
import { BrokerAdmin } from './topics/broker-admin.js';
import { EmbeddedBrokerAdmin } from './topics/embedded.broker-admin.js';
import { KafkaBrokerAdmin } from './topics/kafka.broker-admin.js';
import { TopicsInitializer } from './topics/topics.initializer.js';

/**
 * A service's messaging: publishing (outbox and relay), idempotent consuming (inbox,
 * `@OnEvent` retries and dead letters), topic creation at start-up, the broker readiness
 * check and the messaging metrics (consumer lag, outbox backlog, messages processed), over Kafka or the embedded broker.
 *
 * It needs the app's TypeORM `DataSource` (registered by the service's persistence module) and
 * the outbox and inbox tables in it: `PersistenceModule.forRoot({ ..., libraryTables:
 * [messagingTables] })`. Global, so that `@OnEvent` handlers in
 * any of the service's modules find what their interceptor needs. Consumers are connected
 * separately, with `app.connectMicroservice(consumerTransport(...))`.
 */
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes by contract
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    const resolved = resolveMessagingOptions(options);
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolved },
        ...brokerProviders(resolved),
        TopicsInitializer,
        DeadLetterPublisher,
        OnEventInterceptor,
        OutboxService,
        OutboxStore,
        OutboxRelay,
        InboxService,
        BrokerHealthCheck,
        MessagingMetrics,
        ConsumerLagGauge,
        OutboxBacklogGauge,
      ],
      exports: [
        MESSAGING_OPTIONS,
        MessagePublisher,
        BrokerAdmin,
        DeadLetterPublisher,
        OnEventInterceptor,
        OutboxService,
        OutboxRelay,
        InboxService,
        BrokerHealthCheck,
        MessagingMetrics,
      ],
    };
  }
}

/** The two implementations that differ between the modes: publishing and administration. */
function brokerProviders(options: ResolvedMessagingOptions): Provider[] {
  const broker = options.broker;
  switch (broker.kind) {
    case 'kafka':
      return [
        {
          provide: KAFKA_CLIENT,
          useFactory: () => createKafkaClient(options.clientId, broker.brokers),
        },
        { provide: MessagePublisher, useClass: KafkaMessagePublisher },
        { provide: BrokerAdmin, useClass: KafkaBrokerAdmin },
      ];
    case 'embedded':
      return [
        {
          provide: MessagePublisher,
          useFactory: () => new EmbeddedMessagePublisher(broker.broker),
        },
        {
          provide: BrokerAdmin,
          useFactory: () => new EmbeddedBrokerAdmin(broker.broker, options.consumerGroup),
        },
      ];
    default: {
      const unknown: never = broker;
      throw new Error(`Unknown broker connection ${JSON.stringify(unknown)}`);
    }
  }
}
