import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** Probes and scrapes: a span each would drown the traces that matter. */
const UNTRACED_PATHS = ['/health/', '/metrics'];

const spans = new WeakMap<IncomingMessage, Span>();

/**
 * A server span for each request, from Fastify's own hooks, in place of OpenTelemetry's `http`
 * instrumentation. That instrumentation patches every request's and response's event-emitter
 * methods so that their listeners run in the span's context, parses the URL and host into a
 * dozen attributes before the sampler has even decided, and does all of it for requests that
 * are not recorded (nine in ten by default) and for the probes it is told to ignore: measured,
 * about 40 µs of CPU per request on a hello-world route on this 2-core machine
 * (docs/performance.md), more than the route itself.
 *
 * Here the caller's trace is taken from `traceparent` (W3C trace context, as the SDK's
 * propagator reads it), the span is named after the route template (`GET /v1/orders/:id`),
 * and the rest of the request runs in the span's context, entered once when the request
 * arrives: on Node 24, AsyncLocalStorage (on AsyncContextFrame) carries it through the body's
 * later chunks and the response's events without patching any emitter (http-tracing.spec.ts
 * proves it with a body that arrives late). Everything the handler calls out to (undici, pg,
 * ioredis, Kafka) is a child of it, and the request's log line carries its trace id.
 */
export function traceHttp(fastify: FastifyInstance): void {
  const tracer = trace.getTracer('atlas-http');
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (UNTRACED_PATHS.some((path) => request.url.startsWith(path))) {
      done();
      return;
    }
    const caller = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      { kind: SpanKind.SERVER },
      caller,
    );
    // Attributes only for a span that is recorded: the SDK sanitises the ones given to
    // startSpan before its sampler decides, which here is nine requests in ten for nothing.
    if (span.isRecording()) {
      span.setAttributes({
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: pathOf(request.url),
        [ATTR_URL_SCHEME]: request.protocol,
        [ATTR_CLIENT_ADDRESS]: request.ip,
        ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
      });
    }
    spans.set(request.raw, span);
    context.with(trace.setSpan(caller, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request.raw);
    if (span) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      // Semantic conventions: a server span is an error for 5xx only; 4xx is the caller's.
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const span = spans.get(request.raw);
    if (span) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
      span.end();
    }
    done();
  });
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
