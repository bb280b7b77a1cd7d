import { Injectable } from '@nestjs/common';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The app's Prometheus registry. One per app, not prom-client's global, because embedded
 * mode runs six apps in one process and each must report under its own `service` label.
 * Other modules inject this to register their own metrics.
 */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();

  /** RED metrics for every HTTP route, named after OpenTelemetry's http.server.request.duration. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests served, by route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }
}
