import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type CallHandler, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { KafkaContext } from '@nestjs/microservices';
import { SpanKind, trace } from '@opentelemetry/api';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { defer, lastValueFrom } from 'rxjs';
import { newEvent } from '#atlas/contracts';
import { widgetRegistered } from '../../test/test-contracts.js';
import { installTestTracing, UPSTREAM_TRACE_ID, UPSTREAM_TRACEPARENT } from '../../test/tracing.js';
import { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { resolveMessagingOptions } from '../messaging-options.js';
import { markDuplicateDelivery } from '../metrics/delivery-outcome.js';
import { MessagingMetrics, type ProcessedOutcome } from '../metrics/messaging.metrics.js';
import { MessagePublisher, type OutgoingMessage } from '../publishing/message-publisher.js';
import { DeadLetterHeaders } from './dead-letter-headers.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { OnEvent } from './on-event.decorator.js';
import { OnEventInterceptor } from './on-event.interceptor.js';

const WidgetRegistered = widgetRegistered('test.widget-registered.v1');

class Handlers {
  @OnEvent(WidgetRegistered)
  onWidgetRegistered(): void {}
}

class RecordingPublisher extends MessagePublisher {
  readonly published: OutgoingMessage[] = [];
  failWith: Error | undefined;

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.published.push(...messages);
  }
}

class CodedError extends Error {
  readonly code = 'WIDGETS.OUT_OF_PARTS';
}

let spans: InMemorySpanExporter;
let publisher: RecordingPublisher;
let interceptor: OnEventInterceptor;
let metrics: MessagingMetrics;
let heartbeats: number;

beforeAll(() => {
  Logger.overrideLogger(false); // the failures below are on purpose
  spans = installTestTracing();
});

beforeEach(() => {
  spans.reset();
  heartbeats = 0;
  publisher = new RecordingPublisher();
  const options = resolveMessagingOptions({
    service: 'widgets',
    broker: { kind: 'embedded', broker: new EmbeddedBroker() },
    consumer: { retries: 2, initialDelayMs: 1, maxDelayMs: 2 },
  });
  metrics = new MessagingMetrics();
  interceptor = new OnEventInterceptor(
    new Reflector(),
    new DeadLetterPublisher(publisher),
    options,
    metrics,
  );
});

/** messaging_messages_processed_total for the test topic and this outcome. */
async function processed(outcome: ProcessedOutcome): Promise<number> {
  const counter = metrics.registry.getSingleMetric('messaging_messages_processed_total');
  const values = (await counter?.get())?.values ?? [];
  const sample = values.find(
    (value) =>
      value.labels['topic'] === WidgetRegistered.topic && value.labels['outcome'] === outcome,
  );
  return sample?.value ?? 0;
}

type KafkaContextArgs = ConstructorParameters<typeof KafkaContext>[0];

/** The interceptor never touches the consumer or producer of the context. */
// oxlint-disable-next-line typescript/no-unsafe-type-assertion -- an unused placeholder
const unused = {} as KafkaContextArgs[3] & KafkaContextArgs[5];

/** A delivery as Nest's KafkaParser (keepBinary) and our deserializer hand it over. */
function delivery(data: unknown, value: Buffer) {
  const message = {
    key: Buffer.from('widget-key'),
    value,
    headers: { traceparent: UPSTREAM_TRACEPARENT, 'x-custom': 'kept' },
    offset: '41',
    timestamp: '1700000000000',
    attributes: 0,
  };
  const kafka = new KafkaContext([
    message,
    2,
    WidgetRegistered.topic,
    unused,
    async () => {
      heartbeats++;
    },
    unused,
  ]);
  // The handler function is only the key @OnEvent stored its metadata under.
  // oxlint-disable-next-line typescript/unbound-method
  const handler = Handlers.prototype.onWidgetRegistered;
  const context = new ExecutionContextHost([data, kafka], Handlers, handler);
  context.setType('rpc');
  return context;
}

function validEvent() {
  return newEvent(WidgetRegistered, { widgetId: randomUUID(), name: 'sprocket' });
}

/** A call handler like Nest's: every handle() runs the handler again. */
function handlerThat(run: () => Promise<void>): CallHandler & { calls: number } {
  const handler = {
    calls: 0,
    handle: () =>
      defer(async () => {
        handler.calls++;
        await run();
      }),
  };
  return handler;
}

describe('OnEventInterceptor', () => {
  it('runs the handler once with the validated event, inside a consumer span continuing the producer’s trace', async () => {
    const event = validEvent();
    const context = delivery(
      { ...event, unexpected: 'dropped' },
      Buffer.from(JSON.stringify(event)),
    );
    let seenPayload: unknown;
    let seenTraceId: string | undefined;
    const next = handlerThat(async () => {
      seenPayload = context.getArgs()[0];
      seenTraceId = trace.getActiveSpan()?.spanContext().traceId;
    });

    await lastValueFrom(interceptor.intercept(context, next), { defaultValue: undefined });

    expect(next.calls).toBe(1);
    expect(seenPayload).toEqual(event);
    expect(seenTraceId).toBe(UPSTREAM_TRACE_ID);
    expect(publisher.published).toEqual([]);
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe(`process ${WidgetRegistered.topic}`);
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe(UPSTREAM_TRACE_ID);
    expect(span?.attributes['messaging.message.id']).toBe(event.eventId);
    expect(span?.attributes['messaging.consumer.group.name']).toBe('atlas-widgets');
    expect(await processed('applied')).toBe(1);
    expect(await processed('duplicate')).toBe(0);
  });

  it('counts a delivery whose event the inbox had already applied as a duplicate, not as applied', async () => {
    const event = validEvent();
    // What InboxService.processOnce does when its row for this eventId already exists.
    const next = handlerThat(async () => markDuplicateDelivery());

    await lastValueFrom(
      interceptor.intercept(delivery(event, Buffer.from(JSON.stringify(event))), next),
      { defaultValue: undefined },
    );

    expect(await processed('duplicate')).toBe(1);
    expect(await processed('applied')).toBe(0);
  });

  it('dead-letters an event that breaks its contract at once, without running the handler', async () => {
    const invalid = { ...validEvent(), widgetId: 'not-a-uuid' };
    const raw = Buffer.from(JSON.stringify(invalid));
    const next = handlerThat(async () => undefined);

    await lastValueFrom(interceptor.intercept(delivery(invalid, raw), next), {
      defaultValue: undefined,
    });

    expect(next.calls).toBe(0);
    expect(publisher.published).toHaveLength(1);
    const [dead] = publisher.published;
    expect(dead?.topic).toBe(`${WidgetRegistered.topic}.dlq`);
    expect(dead?.key).toBe('widget-key');
    expect(dead?.value).toEqual(raw);
    expect(dead?.headers).toMatchObject({
      traceparent: UPSTREAM_TRACEPARENT,
      'x-custom': 'kept',
      [DeadLetterHeaders.reason]: 'invalid-payload',
      [DeadLetterHeaders.errorName]: 'MessagingError',
      [DeadLetterHeaders.errorCode]: 'MESSAGING.INVALID_EVENT',
      [DeadLetterHeaders.originalTopic]: WidgetRegistered.topic,
      [DeadLetterHeaders.originalPartition]: '2',
      [DeadLetterHeaders.originalOffset]: '41',
      [DeadLetterHeaders.consumerGroup]: 'atlas-widgets',
      [DeadLetterHeaders.attempts]: '0',
    });
    expect(dead?.headers[DeadLetterHeaders.errorMessage]).toContain('widgetId');
    expect(await processed('dead_lettered')).toBe(1);
    expect(Number.isNaN(Date.parse(dead?.headers[DeadLetterHeaders.failedAt] ?? ''))).toBe(false);
  });

  it('dead-letters a value that is not JSON with its bytes unchanged', async () => {
    const raw = Buffer.from('definitely not json');
    await lastValueFrom(
      interceptor.intercept(
        delivery('definitely not json', raw),
        handlerThat(async () => undefined),
      ),
      { defaultValue: undefined },
    );
    expect(publisher.published[0]?.value).toEqual(raw);
    expect(publisher.published[0]?.headers[DeadLetterHeaders.reason]).toBe('invalid-payload');
  });

  it('retries a failing handler with backoff and stops as soon as it succeeds', async () => {
    const event = validEvent();
    let failuresLeft = 2;
    const next = handlerThat(async () => {
      if (failuresLeft-- > 0) throw new Error('database briefly away');
    });

    await lastValueFrom(
      interceptor.intercept(delivery(event, Buffer.from(JSON.stringify(event))), next),
      { defaultValue: undefined },
    );

    expect(next.calls).toBe(3);
    expect(heartbeats).toBe(2);
    expect(publisher.published).toEqual([]);
    expect(await processed('retried')).toBe(2);
    expect(await processed('applied')).toBe(1);
  });

  it('dead-letters the message after the last retry, naming the error and its code', async () => {
    const event = validEvent();
    const raw = Buffer.from(JSON.stringify(event));
    const next = handlerThat(async () => {
      throw new CodedError('no parts left for this widget');
    });

    await lastValueFrom(interceptor.intercept(delivery(event, raw), next), {
      defaultValue: undefined,
    });

    expect(next.calls).toBe(3);
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]?.value).toEqual(raw);
    expect(publisher.published[0]?.headers).toMatchObject({
      [DeadLetterHeaders.reason]: 'handler-failed',
      [DeadLetterHeaders.errorName]: 'Error',
      [DeadLetterHeaders.errorMessage]: 'no parts left for this widget',
      [DeadLetterHeaders.errorCode]: 'WIDGETS.OUT_OF_PARTS',
      [DeadLetterHeaders.attempts]: '3',
    });
    expect(spans.getFinishedSpans()[0]?.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(await processed('retried')).toBe(2);
    expect(await processed('dead_lettered')).toBe(1);
    expect(await processed('applied')).toBe(0);
  });

  it('fails the delivery when the dead letter cannot be published, so the broker delivers it again', async () => {
    publisher.failWith = new Error('broker down');
    const invalid = { nope: true };
    await expect(
      lastValueFrom(
        interceptor.intercept(
          delivery(invalid, Buffer.from(JSON.stringify(invalid))),
          handlerThat(async () => undefined),
        ),
        { defaultValue: undefined },
      ),
    ).rejects.toThrow('broker down');
    expect(await processed('dead_lettered')).toBe(0);
  });
});
