import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { envDetector, hostDetector, osDetector, processDetector } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { samplerFor, type TraceSampling } from './trace-sampling.js';

export interface TelemetryOptions {
  readonly serviceName: string;
  /** OTLP/HTTP endpoint such as http://otel-collector:4318; without it spans are not exported. */
  readonly otlpEndpoint?: string | undefined;
  /** Which traces are recorded (trace-sampling.ts). */
  readonly sampling: TraceSampling;
}

const SDK_KEY = Symbol.for('atlas.telemetry.sdk');
type TelemetryGlobal = typeof globalThis & { [SDK_KEY]?: NodeSDK };

/**
 * Starts OpenTelemetry tracing for this process. It must run before the instrumented
 * libraries are imported (see register.ts). Every request gets a trace context, which logs
 * carry and which crosses to every service over HTTP and Kafka; the sampler decides which
 * traces are recorded, and recorded spans are exported only when an endpoint is set.
 */
export function startTelemetry(options: TelemetryOptions): void {
  const holder = globalThis as TelemetryGlobal;
  if (holder[SDK_KEY]) return;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    // Only local detectors: the cloud ones probe a metadata server at start.
    resourceDetectors: [envDetector, hostDetector, osDetector, processDetector],
    sampler: samplerFor(options.sampling),
    spanProcessors: [
      options.otlpEndpoint
        ? new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({
              url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`,
            }),
          })
        : new NoopSpanProcessor(),
    ],
    // Metrics are scraped from /metrics (prom-client) and logs go to stdout, so the SDK's
    // own metric and log pipelines stay off instead of defaulting to an OTLP exporter.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Incoming HTTP has its own, cheaper server spans: see http-tracing.ts.
      new UndiciInstrumentation(),
      // Background pollers (the outbox relay) would otherwise make a root span per query.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  holder[SDK_KEY] = sdk;
}

/** Flushes and stops tracing; a no-op when telemetry was never started. */
export async function shutdownTelemetry(): Promise<void> {
  const holder = globalThis as TelemetryGlobal;
  const sdk = holder[SDK_KEY];
  delete holder[SDK_KEY];
  await sdk?.shutdown();
}
