import { Controller, Global, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MessageOf, TopicSpec } from '#atlas/contracts';
import { DataSource } from 'typeorm';
import type { BrokerConnection } from '../src/broker-connection.js';
import { consumerTransport } from '../src/consuming/consumer-transport.js';
import { OnEvent } from '../src/consuming/on-event.decorator.js';
import { InboxService } from '../src/inbox/inbox.service.js';
import { MessagingModule } from '../src/messaging.module.js';
import type { MessagingOptions } from '../src/messaging-options.js';
import type { WidgetRegistered } from './test-contracts.js';

export class WidgetError extends Error {
  readonly code = 'WIDGETS.CANNOT_APPLY';
}

/** What the widget handler saw, in arrival order. */
export interface WidgetDelivery {
  readonly event: MessageOf<WidgetRegistered>;
}

/** Widget names the handler fails on, every time, until a test "fixes" it by removing them. */
export interface WidgetFaults {
  readonly failingNames: Set<string>;
}

/**
 * The handler a real service would have: a few lines, the effect made idempotent through
 * the inbox. A widget named "explode" makes it fail every time (unless `faults` says otherwise).
 */
export function widgetHandlers(
  contract: WidgetRegistered,
  deliveries: WidgetDelivery[],
  faults: WidgetFaults = { failingNames: new Set(['explode']) },
): Type {
  @Controller()
  class WidgetHandlers {
    constructor(private readonly inbox: InboxService) {}

    @OnEvent(contract)
    async onWidgetRegistered(@Payload() event: MessageOf<WidgetRegistered>): Promise<void> {
      deliveries.push({ event });
      if (faults.failingNames.has(event.name)) {
        throw new WidgetError(`widget ${event.widgetId} exploded`);
      }
      await this.inbox.processOnce('widgets.apply', event.eventId, async (manager) => {
        await manager.query(
          'INSERT INTO widget_effects (event_id, widget_id, name) VALUES ($1, $2, $3)',
          [event.eventId, event.widgetId, event.name],
        );
      });
    }
  }
  return WidgetHandlers;
}

export interface WidgetServiceOptions {
  readonly service: string;
  readonly broker: BrokerConnection;
  readonly dataSource: DataSource;
  readonly topics: TopicSpec[];
  readonly handlers: Type;
  readonly relay?: MessagingOptions['relay'];
}

/**
 * A small Atlas service, wired as the real ones are (Fastify app, MessagingModule, consumers
 * through connectMicroservice), around the test's DataSource.
 */
export async function startWidgetService(
  options: WidgetServiceOptions,
): Promise<NestFastifyApplication> {
  @Global()
  @Module({
    providers: [{ provide: DataSource, useValue: options.dataSource }],
    exports: [DataSource],
  })
  // oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes by contract
  class TestDatabaseModule {}

  @Module({
    imports: [
      TestDatabaseModule,
      MessagingModule.forService({
        service: options.service,
        broker: options.broker,
        topics: options.topics,
        relay: { intervalMs: 20, ...options.relay },
        consumer: { retries: 2, initialDelayMs: 10, maxDelayMs: 40 },
      }),
    ],
    controllers: [options.handlers],
  })
  // oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes by contract
  class WidgetServiceModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    WidgetServiceModule,
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  try {
    app.connectMicroservice(
      consumerTransport({
        service: options.service,
        broker: options.broker,
        topics: options.topics,
        kafka: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, maxWaitTimeInMs: 250 },
      }),
    );
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
