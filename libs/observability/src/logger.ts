import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export interface ServiceLoggerOptions {
  readonly service: string;
  readonly level: string;
  /** Where JSON lines go; stdout by default (tests pass a stream to read them back). */
  readonly destination?: DestinationStream;
}

/**
 * Never let a credential reach a log line, wherever it sits in a logged object.
 * pino's redaction is path-based, so common nestings are listed explicitly.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.mfaToken',
  '*.secret',
  'password',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'secret',
];

/** One JSON logger per app: the service name, ISO time, and the active trace and span ids. */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** Correlates a log line with its trace, as OpenTelemetry's log data model names the fields. */
export function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !trace.isSpanContextValid(context)) return {};
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: context.traceFlags.toString(16).padStart(2, '0'),
  };
}
