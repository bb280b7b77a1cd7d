import { Controller, type INestMicroservice, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, type KafkaContext, Payload } from '@nestjs/microservices';
import type { MessageOf, TopicSpec } from '#atlas/contracts';
import { consumerTransport } from '../src/consuming/consumer-transport.js';
import { DeadLetterPublisher } from '../src/consuming/dead-letter.publisher.js';
import { OnEvent } from '../src/consuming/on-event.decorator.js';
import type { EmbeddedBroker } from '../src/embedded/embedded-broker.js';
import { MESSAGING_OPTIONS, resolveMessagingOptions } from '../src/messaging-options.js';
import { MessagingMetrics } from '../src/metrics/messaging.metrics.js';
import { EmbeddedMessagePublisher } from '../src/publishing/embedded.message-publisher.js';
import { MessagePublisher } from '../src/publishing/message-publisher.js';
import type { WidgetRegistered } from './test-contracts.js';

export interface HandledWidget {
  readonly event: MessageOf<WidgetRegistered>;
  readonly partition: number;
  readonly key: unknown;
}

/** A controller with one `@OnEvent` handler, made per test so each test has its own topic. */
export function widgetHandlers(
  contract: WidgetRegistered,
  behaviour: (event: MessageOf<WidgetRegistered>) => Promise<void>,
  handled: HandledWidget[],
): Type {
  @Controller()
  class WidgetHandlers {
    @OnEvent(contract)
    async onWidgetRegistered(
      @Payload() event: MessageOf<WidgetRegistered>,
      @Ctx() context: KafkaContext,
    ): Promise<void> {
      await behaviour(event);
      handled.push({ event, partition: context.getPartition(), key: context.getMessage().key });
    }
  }
  return WidgetHandlers;
}

/**
 * The consuming half of a service without a database: the `@OnEvent` interceptor's
 * dependencies and Nest's microservice over the embedded broker.
 */
export async function startEmbeddedConsumerApp(options: {
  broker: EmbeddedBroker;
  service: string;
  topics: TopicSpec[];
  handlers: Type;
}): Promise<INestMicroservice> {
  const messaging = resolveMessagingOptions({
    service: options.service,
    broker: { kind: 'embedded', broker: options.broker },
    topics: options.topics,
    consumer: { retries: 2, initialDelayMs: 1, maxDelayMs: 5 },
  });

  @Module({
    controllers: [options.handlers],
    providers: [
      { provide: MESSAGING_OPTIONS, useValue: messaging },
      { provide: MessagePublisher, useValue: new EmbeddedMessagePublisher(options.broker) },
      DeadLetterPublisher,
      MessagingMetrics,
    ],
  })
  // oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes by contract
  class ConsumerTestModule {}

  const app = await NestFactory.createMicroservice(ConsumerTestModule, {
    ...consumerTransport({
      service: options.service,
      broker: { kind: 'embedded', broker: options.broker },
      topics: options.topics,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}
