import { type Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The current trace context as message headers (`traceparent`, and `tracestate` when set),
 * through whatever propagator the app registered (W3C trace context with the OpenTelemetry
 * SDK). Without an active span there is nothing to continue, and no header is added.
 */
export function currentTraceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The trace context a message carries, to parent the consumer's span. */
export function traceContextFrom(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}
