import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AtlasClient } from '#atlas/client';
import {
  startDistributedTestPlatform,
  type DistributedTestPlatform,
} from '../support/distributed-test-platform.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

/**
 * One order, one trace: the W3C trace context travels from the client's request through the
 * gateway, into orders, into the outbox row and the Kafka message headers, and out of every
 * consumer down the saga, so the trace of `POST /v1/orders` holds spans of all five services
 * that take part. Six real processes export to a receiver standing in for the collector.
 */
describe('one trace across the order flow (distributed, real Kafka)', () => {
  const receiver = new OtlpReceiver();
  let run: DistributedTestPlatform | undefined;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    // Every trace recorded: the test follows one order's whole trace.
    run = await startDistributedTestPlatform({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_SAMPLER_ARG: '1',
    });
  });

  afterAll(async () => {
    await run?.cleanUp();
    await receiver.stop();
  });

  it('contains gateway, orders, catalog, payments and notifications spans, parented into one tree', async () => {
    if (!run) throw new Error('the platform did not start');
    const client = new AtlasClient(run.platform.gatewayUrl);
    const customer = await client.newCustomer();
    const [product] = (await client.products()).items;
    if (!product) throw new Error('the demo catalog is empty');

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const placed = await client.request('POST', '/v1/orders', {
      token: customer.token,
      headers: { traceparent, 'idempotency-key': crypto.randomUUID() },
      body: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(placed.status).toBe(202);
    const traceId = traceparent.split('-')[1] ?? '';

    const wanted = [
      'atlas-gateway',
      'atlas-orders',
      'atlas-catalog',
      'atlas-payments',
      'atlas-notifications',
    ];
    // Spans arrive in export batches, a parent sometimes after its child: wait for the trace
    // to be whole (every service present, every parent received) before judging it.
    const clientSpanId = traceparent.split('-')[2];
    const orphansOf = (spans: readonly ReceivedSpan[]) => {
      const ids = new Set(spans.map((span) => span.spanId));
      return spans.filter(
        (span) =>
          span.parentSpanId && span.parentSpanId !== clientSpanId && !ids.has(span.parentSpanId),
      );
    };
    const servicesOf = (spans: readonly ReceivedSpan[]) => new Set(spans.map((s) => s.serviceName));
    let spans: ReceivedSpan[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      spans = receiver.trace(traceId);
      const services = servicesOf(spans);
      if (wanted.every((service) => services.has(service)) && orphansOf(spans).length === 0) break;
      await sleep(250);
    }
    expect([...servicesOf(spans)]).toEqual(expect.arrayContaining(wanted));
    // Every span but the client's root hangs off another span of the same trace.
    expect(orphansOf(spans)).toEqual([]);
  });
});
