/**
 * Loaded with `node --import ./dist/libs/observability/src/register.js` before the app, so
 * that OpenTelemetry hooks the ESM loader before any instrumented module (http, pg, ioredis,
 * undici) is imported. Without the hook, ESM imports are not patched and no spans appear.
 */
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const { startTelemetry } = await import('./telemetry.js');
const { traceSamplingFrom } = await import('./trace-sampling.js');
const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
try {
  startTelemetry({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'atlas',
    otlpEndpoint,
    sampling: traceSamplingFrom(process.env, Boolean(otlpEndpoint)),
  });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
