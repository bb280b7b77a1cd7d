import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { z } from 'zod';

/** OpenTelemetry's standard sampler names (OTEL_TRACES_SAMPLER). */
const SamplerName = z.enum([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);
type SamplerName = z.infer<typeof SamplerName>;

/** With a collector to send to: one trace in ten, unless OTEL_TRACES_SAMPLER_ARG says more. */
export const DEFAULT_SAMPLING_RATIO = 0.1;

export interface TraceSampling {
  readonly sampler: SamplerName;
  /** For the `traceidratio` samplers: the share of new traces recorded, 0 to 1. */
  readonly ratio: number;
}

/**
 * Which traces are recorded, from OpenTelemetry's own variables: `OTEL_TRACES_SAMPLER`
 * (default `parentbased_traceidratio`: a service follows the decision of whoever called it, so
 * a trace is recorded whole or not at all) and `OTEL_TRACES_SAMPLER_ARG` (the ratio; default
 * 0.1 when spans are exported, 0 when they are not, since a span nobody collects is work for
 * nothing). An unsampled request still has a trace id: logs carry it and it crosses to every
 * service, so one request's lines can be found across the platform either way.
 *
 * Unlike the SDK, which logs a bad value and carries on with its default, a bad value here
 * stops the start with a message saying what to set.
 */
export function traceSamplingFrom(env: NodeJS.ProcessEnv, exporting: boolean): TraceSampling {
  const sampler = SamplerName.safeParse(env.OTEL_TRACES_SAMPLER ?? 'parentbased_traceidratio');
  if (!sampler.success) {
    throw new Error(
      `OTEL_TRACES_SAMPLER=${env.OTEL_TRACES_SAMPLER} is not a sampler: use one of ` +
        SamplerName.options.join(', '),
    );
  }
  const given = env.OTEL_TRACES_SAMPLER_ARG;
  const ratio = given === undefined || given === '' ? undefined : Number(given);
  if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) {
    throw new Error(
      `OTEL_TRACES_SAMPLER_ARG=${given} is not a ratio: set a number from 0 to 1 (0.1 records one trace in ten)`,
    );
  }
  return { sampler: sampler.data, ratio: ratio ?? (exporting ? DEFAULT_SAMPLING_RATIO : 0) };
}

export function samplerFor(sampling: TraceSampling): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(sampling.ratio);
  switch (sampling.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default: {
      const unknown: never = sampling.sampler;
      throw new Error(`unknown sampler ${String(unknown)}`);
    }
  }
}
