import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './service-metrics.js';

const QUIET_PATHS = ['/health/', '/metrics'];

/**
 * One log line and one histogram sample per request, labelled by route template
 * (`/v1/orders/:id`, never the raw URL, which would explode the metric's cardinality).
 * Probes and scrapes are counted but not logged: they would drown everything else.
 */
export function instrumentHttp(
  fastify: FastifyInstance,
  logger: Logger,
  metrics: ServiceMetrics,
): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      seconds,
    );
    if (QUIET_PATHS.some((path) => request.url.startsWith(path))) return;
    logger.info(
      {
        req_id: request.id,
        method: request.method,
        route,
        url: request.url,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
}
