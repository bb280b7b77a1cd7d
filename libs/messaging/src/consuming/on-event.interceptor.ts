import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { KafkaContext } from '@nestjs/microservices';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { z } from 'zod';
import type { EventContract } from '#atlas/contracts';
import { errorDetails } from '../errors/error-details.js';
import { MessagingError } from '../errors/messaging.error.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { runDelivery } from '../metrics/delivery-outcome.js';
import { MessagingMetrics } from '../metrics/messaging.metrics.js';
import { traceContextFrom } from '../tracing/trace-headers.js';
import { DeadLetterPublisher, type FailedDelivery } from './dead-letter.publisher.js';
import { EVENT_CONTRACT } from './event-contract.metadata.js';
import { backoffDelay, sleep } from '#atlas/resilience';

const tracer = trace.getTracer('@atlas/messaging');

/**
 * Runs an `@OnEvent` handler the way every Atlas consumer should behave:
 *
 * - continues the producer's trace (W3C `traceparent` header) in a consumer span;
 * - validates the message against its contract; an invalid one can never succeed, so it goes
 *   to the dead-letter topic at once and the partition moves on;
 * - retries a failing handler a few times with exponential backoff and jitter, then
 *   dead-letters the message. Nest 12 would hand the error to kafkajs, which redelivers the
 *   same message forever and blocks the partition; here only a failed dead-letter publish
 *   escapes, and then redelivery is exactly what is wanted.
 */
@Injectable()
export class OnEventInterceptor implements NestInterceptor {
  private readonly logger = new Logger('OnEvent');

  constructor(
    private readonly reflector: Reflector,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<void> {
    return defer(() => this.process(context, next));
  }

  private async process(context: ExecutionContext, next: CallHandler): Promise<void> {
    const contract = this.reflector.get<EventContract | undefined>(
      EVENT_CONTRACT,
      context.getHandler(),
    );
    const kafka = context.switchToRpc().getContext<unknown>();
    if (!contract || !(kafka instanceof KafkaContext)) {
      throw new Error(
        "@OnEvent handlers run on Atlas's Kafka transport: connect it with app.connectMicroservice(consumerTransport(...))",
      );
    }
    const delivery = this.deliveryOf(kafka);
    const parent = traceContextFrom(delivery.headers);
    await tracer.startActiveSpan(
      `process ${delivery.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': delivery.topic,
          'messaging.destination.partition.id': String(delivery.partition),
          'messaging.consumer.group.name': delivery.consumerGroup,
          'messaging.kafka.offset': Number(delivery.offset),
          ...(delivery.key === null ? {} : { 'messaging.kafka.message.key': delivery.key }),
        },
      },
      parent,
      async (span) => {
        try {
          await this.validateAndRun(contract, context, next, delivery, span);
        } finally {
          span.end();
        }
      },
    );
  }

  private async validateAndRun(
    contract: EventContract,
    context: ExecutionContext,
    next: CallHandler,
    delivery: FailedDelivery,
    span: Span,
  ): Promise<void> {
    const data: unknown = context.switchToRpc().getData();
    const parsed = contract.schema.safeParse(data);
    if (!parsed.success) {
      const error = new MessagingError(
        'MESSAGING.INVALID_EVENT',
        `${contract.name} at ${describe(delivery)} does not match its contract: ${z.prettifyError(parsed.error)}`,
      );
      this.logger.warn(
        `${contract.name} eventId=${claimedEventId(data)} is invalid; dead-lettering it without retries. ${error.message}`,
      );
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid payload' });
      await this.deadLetter(delivery, { reason: 'invalid-payload', error, attempts: 0 });
      return;
    }

    const eventId = String(parsed.data['eventId']);
    span.setAttribute('messaging.message.id', eventId);
    // Hand the handler the validated event (defaults applied, unknown fields stripped).
    // `@Payload()` reads argument 0 after the interceptors ran, from this same array.
    context.getArgs()[0] = parsed.data;

    const { retries } = this.options.consumer;
    for (let attempt = 1; ; attempt++) {
      try {
        const { duplicate } = await runDelivery(() =>
          lastValueFrom(next.handle(), { defaultValue: undefined }),
        );
        this.metrics.messageProcessed(delivery.topic, duplicate ? 'duplicate' : 'applied');
        this.logger.debug?.(`${contract.name} eventId=${eventId} handled (attempt ${attempt})`);
        return;
      } catch (error) {
        const { message } = errorDetails(error);
        span.recordException(error instanceof Error ? error : String(error));
        if (attempt > retries) {
          this.logger.error(
            `${contract.name} eventId=${eventId} failed ${attempt} times, last with "${message}"; ` +
              `dead-lettering it to ${delivery.topic}.dlq`,
          );
          span.setStatus({ code: SpanStatusCode.ERROR, message });
          await this.deadLetter(delivery, { reason: 'handler-failed', error, attempts: attempt });
          return;
        }
        this.metrics.messageProcessed(delivery.topic, 'retried');
        const delay = backoffDelay(attempt, this.options.consumer);
        this.logger.warn(
          `${contract.name} eventId=${eventId} failed (attempt ${attempt} of ${retries + 1}): ` +
            `${message}; retrying in ${delay} ms`,
        );
        await sleep(delay);
        await this.heartbeat(context);
      }
    }
  }

  private async deadLetter(
    delivery: FailedDelivery,
    failure: Parameters<DeadLetterPublisher['publish']>[1],
  ): Promise<void> {
    try {
      await this.deadLetters.publish(delivery, failure);
      this.metrics.messageProcessed(delivery.topic, 'dead_lettered');
    } catch (error) {
      // Not committing is the only safe answer: the broker will deliver the message again.
      this.logger.error(
        `Could not dead-letter ${describe(delivery)}: ${errorDetails(error).message}; ` +
          'leaving it uncommitted so it is delivered again',
      );
      throw error;
    }
  }

  /** Tells Kafka this member is alive while it waits between retries. */
  private async heartbeat(context: ExecutionContext): Promise<void> {
    try {
      await context.switchToRpc().getContext<KafkaContext>().getHeartbeat()();
    } catch {
      // A rebalance in progress: the broker redelivers whatever this member does not commit.
    }
  }

  private deliveryOf(kafka: KafkaContext): FailedDelivery {
    const message = kafka.getMessage();
    return {
      topic: kafka.getTopic(),
      partition: kafka.getPartition(),
      offset: message.offset,
      key: headerText(message.key),
      value: message.value,
      headers: Object.fromEntries(
        Object.entries(message.headers ?? {}).flatMap(([name, value]) => {
          const text = headerText(value);
          return text === null ? [] : [[name, text]];
        }),
      ),
      consumerGroup: this.options.consumerGroup,
    };
  }
}

/** Nest's KafkaParser has already decoded keys and headers: to text, or JSON when it looked like JSON. */
function headerText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return headerText(value[0]);
  return JSON.stringify(value);
}

/** The eventId an invalid message claims to have, for the log line; it may have none. */
function claimedEventId(data: unknown): string {
  if (typeof data === 'object' && data !== null && 'eventId' in data) return String(data.eventId);
  return '(none)';
}

function describe(delivery: FailedDelivery): string {
  return `${delivery.topic}[${delivery.partition}]@${delivery.offset}`;
}
