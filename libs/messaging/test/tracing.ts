import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/**
 * What the OpenTelemetry SDK sets up in an app (W3C propagation, async context, a tracer
 * provider), with spans kept in memory so a test can inspect them.
 */
export function installTestTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
  );
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return exporter;
}

/** A valid W3C traceparent, as an upstream service would have sent it. */
export const UPSTREAM_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const UPSTREAM_SPAN_ID = '00f067aa0ba902b7';
export const UPSTREAM_TRACEPARENT = `00-${UPSTREAM_TRACE_ID}-${UPSTREAM_SPAN_ID}-01`;
