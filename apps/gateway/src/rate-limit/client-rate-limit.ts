import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { RateLimitStore } from '#atlas/cache';
import { PROBLEM_CONTENT_TYPE, toProblem, AppError } from '#atlas/http';

export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowMs: number;
}

const UNLIMITED_PATHS = ['/health/', '/metrics'];

/**
 * Limits each client IP (as seen through the trusted proxies only) across every gateway
 * replica, since the counters live in Redis. Runs before routing and authentication, so
 * credential stuffing and probing of unknown routes count too.
 *
 * If the store is unreachable the request is let through and the failure logged: for this
 * gateway, an outage of the limiter should not become an outage of the API.
 */
export function limitClientRate(
  fastify: FastifyInstance,
  store: RateLimitStore,
  policy: RateLimitPolicy,
): void {
  const logger = new Logger('RateLimit');
  const windowSeconds = Math.ceil(policy.windowMs / 1000);
  fastify.addHook('onRequest', async (request, reply) => {
    if (UNLIMITED_PATHS.some((path) => request.url.startsWith(path))) return;
    let decision;
    try {
      decision = await store.consume(`ip:${request.ip}`, policy);
    } catch (error) {
      logger.warn({ err: error }, 'rate limit store unavailable; request allowed');
      return;
    }
    const resetSeconds = Math.ceil(decision.resetMs / 1000);
    reply.header('ratelimit-policy', `${policy.limit};w=${windowSeconds}`);
    reply.header(
      'ratelimit',
      `limit=${decision.limit}, remaining=${decision.remaining}, reset=${resetSeconds}`,
    );
    if (decision.allowed) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
    const problem = toProblem(
      new AppError('RATE_LIMITED', 429, 'Too many requests; retry after the time given.'),
      { instance: request.url.split('?')[0], traceId: request.id },
    );
    await reply.status(429).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
