import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { CircuitState } from '#atlas/resilience';
import { ServiceMetrics } from '#atlas/observability';

/** How a call to an upstream ended, as the gateway's metrics and dashboards name it. */
export type UpstreamOutcome =
  'ok' | 'server_error' | 'timeout' | 'circuit_open' | 'rejected' | 'unavailable';

const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/**
 * The gateway's own metrics, next to the RED metrics every app has: per upstream (duration by
 * outcome, breaker state) and per rate-limit policy (rejections). The names are the ones the
 * Grafana dashboard and the alert rules in infra/observability query.
 */
@Injectable()
export class GatewayMetrics {
  private readonly upstreamDuration: Histogram<'upstream' | 'outcome'>;
  private readonly circuitState: Gauge<'upstream'>;
  private readonly rateLimitRejections: Counter<'policy'>;

  constructor(metrics: ServiceMetrics) {
    this.upstreamDuration = new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Duration of calls from the gateway to a service, retries included, by outcome.',
      labelNames: ['upstream', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
    this.circuitState = new Gauge({
      name: 'gateway_upstream_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
      labelNames: ['upstream'],
      registers: [metrics.registry],
    });
    this.rateLimitRejections = new Counter({
      name: 'gateway_rate_limit_rejections_total',
      help: 'Requests answered 429 by a rate-limit policy.',
      labelNames: ['policy'],
      registers: [metrics.registry],
    });
  }

  upstreamCall(upstream: string, outcome: UpstreamOutcome, seconds: number): void {
    this.upstreamDuration.observe({ upstream, outcome }, seconds);
  }

  circuit(upstream: string, state: CircuitState): void {
    this.circuitState.set({ upstream }, CIRCUIT_STATE_VALUE[state]);
  }

  rateLimited(policy: string): void {
    this.rateLimitRejections.inc({ policy });
  }
}
