import { trace } from '@opentelemetry/api';

/** The id of the active OpenTelemetry trace, for error bodies and logs, if one is recording. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
