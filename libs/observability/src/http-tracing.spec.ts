import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { traceHttp } from './http-tracing.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

describe('traceHttp', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let app: FastifyInstance;
  let base: string;
  /** The trace id each request's log line carries (read in onResponse, as the logger does). */
  const loggedTraceIds: (string | undefined)[] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    app = Fastify();
    traceHttp(app);
    app.addHook('onResponse', (request, _reply, done) => {
      loggedTraceIds.push(trace.getActiveSpan()?.spanContext().traceId);
      done();
    });
    // A call out from the handler: what undici or ioredis would make a child span of.
    const callOut = async () => {
      await sleep(1);
      trace.getTracer('test').startSpan('call out').end();
    };
    app.get('/v1/products/:id', async () => {
      await callOut();
      return { ok: true };
    });
    app.post('/v1/orders', (request) => callOut().then(() => request.body));
    app.get('/v1/broken', async () => {
      throw new Error('boom');
    });
    app.get('/health/live', async () => {
      await callOut();
      return { status: 'ok' };
    });
    // A real socket, not inject(): a request body and the response's events then arrive
    // outside any context, as they do in production.
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => {
    exporter.reset();
    loggedTraceIds.length = 0;
  });

  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().find((span) => span.name === name);
  /** The server span ends once the response is sent, which may be after the client has it. */
  const served = async (name: string) => {
    for (let i = 0; i < 100 && !named(name); i += 1) await sleep(10);
    return named(name);
  };

  it('makes one server span per request, named by its route, under the caller’s trace', async () => {
    const response = await fetch(`${base}/v1/products/42?fields=name`, {
      headers: { traceparent: TRACEPARENT },
    });
    expect(response.status).toBe(200);
    const server = await served('GET /v1/products/:id');
    expect(server).toMatchObject({
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/v1/products/:id',
        'url.path': '/v1/products/42',
        'http.response.status_code': 200,
      },
    });
    expect(server?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(server?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(named('call out')?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  it('keeps the handler in the span after the body is read from the socket', async () => {
    // The body in two parts, the second (200 KB) a moment later: it arrives on the socket in
    // many reads after the request was routed, as a slow client's would.
    const json = JSON.stringify({ items: [{ productId: 'p', quantity: 1 }] });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(json.slice(0, 10)));
        await sleep(30);
        controller.enqueue(
          new TextEncoder().encode(json.slice(10, -1) + ' '.repeat(200_000) + json.slice(-1)),
        );
        controller.close();
      },
    });
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { traceparent: TRACEPARENT, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(200);
    const server = await served('POST /v1/orders');
    expect(named('call out')?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(loggedTraceIds).toEqual([CALLER_TRACE]);
  });

  it('starts a trace of its own for a request that brings none', async () => {
    await (await fetch(`${base}/v1/products/7`)).text();
    const server = await served('GET /v1/products/:id');
    expect(server?.parentSpanContext).toBeUndefined();
    expect(loggedTraceIds).toEqual([server?.spanContext().traceId]);
  });

  it('marks a server error as an error, and its log line still carries the trace', async () => {
    const response = await fetch(`${base}/v1/broken`, { headers: { traceparent: TRACEPARENT } });
    expect(response.status).toBe(500);
    expect(await served('GET /v1/broken')).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: { 'http.response.status_code': 500 },
    });
    expect(loggedTraceIds).toEqual([CALLER_TRACE]);
  });

  it('traces no probe, nor anything the probe calls', async () => {
    await (await fetch(`${base}/health/live`, { headers: { traceparent: TRACEPARENT } })).text();
    await served('call out');
    expect(spans().filter((span) => span.kind === SpanKind.SERVER)).toEqual([]);
    expect(named('call out')?.spanContext().traceId).not.toBe(CALLER_TRACE);
  });
});
