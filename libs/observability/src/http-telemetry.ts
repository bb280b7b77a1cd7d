import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './service-metrics.js';

const QUIET_PATHS = ['/health/', '/metrics'];

export interface RequestLogOptions {
  /** Every request at info. Otherwise only server errors (error) and slow requests (warn). */
  readonly all: boolean;
  /** A request that took longer than this is logged whatever `all` says. */
  readonly slowMs: number;
}

/**
 * One histogram sample per request, labelled by route template (`/v1/orders/:id`, never the
 * raw URL, which would explode the metric's cardinality), and a log line for the requests an
 * operator needs to see: every server error and every slow request always, every request at
 * info only when asked for (`LOG_REQUESTS=true`), since a line per request is most of what a
 * busy service would write and the metrics already count them. Probes and scrapes are counted
 * but never logged: they would drown everything else.
 */
export function instrumentHttp(
  fastify: FastifyInstance,
  logger: Logger,
  metrics: ServiceMetrics,
  log: RequestLogOptions,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const elapsedMs = reply.elapsedTime;
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      elapsedMs / 1000,
    );
    const level = levelFor(reply.statusCode, elapsedMs, log);
    if (level && !QUIET_PATHS.some((path) => request.url.startsWith(path))) {
      logger[level](lineFor(request, reply, route, elapsedMs), 'request completed');
    }
    done();
  });
}

function levelFor(
  status: number,
  elapsedMs: number,
  log: RequestLogOptions,
): 'error' | 'warn' | 'info' | undefined {
  if (status >= 500) return 'error';
  if (elapsedMs > log.slowMs) return 'warn';
  return log.all ? 'info' : undefined;
}

function lineFor(request: FastifyRequest, reply: FastifyReply, route: string, elapsedMs: number) {
  return {
    req_id: request.id,
    method: request.method,
    route,
    url: request.url,
    status: reply.statusCode,
    duration_ms: Math.round(elapsedMs),
  };
}
