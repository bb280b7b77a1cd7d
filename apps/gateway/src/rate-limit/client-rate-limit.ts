import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimitStore } from '#atlas/cache';
import { PROBLEM_CONTENT_TYPE, toProblem, AppError } from '#atlas/http';

export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowMs: number;
}

/** A policy with the name its `RateLimit-Policy` header and its metric carry. */
export interface NamedRateLimitPolicy extends RateLimitPolicy {
  readonly name: string;
}

export interface ClientRateLimits {
  /** Per client IP, for calls without a valid access token. */
  readonly anonymous: NamedRateLimitPolicy;
  /** Per user, for calls with one: users behind one NAT do not share a budget. */
  readonly user: NamedRateLimitPolicy;
  /** The user id of a request's bearer token if its signature and claims verify, else nothing. */
  readonly userOf: (request: FastifyRequest) => Promise<string | undefined>;
  /** Told of every 429, for the metrics. */
  readonly onRejected?: (policy: string) => void;
}

const UNLIMITED_PATHS = ['/health/', '/metrics'];

/**
 * Limits every call across every gateway replica, since the counters live in Redis: per user
 * when the call carries a valid access token, otherwise per client IP (as seen through the
 * trusted proxies only). Runs before routing, so probing unknown routes counts too. A token
 * that does not verify counts against its IP: forging another user's `sub` cannot spend that
 * user's budget. Credential routes have stricter limits of their own
 * (credential-rate-limit.guard.ts).
 *
 * If the store is unreachable the request is let through and the failure logged: for this
 * gateway, an outage of the limiter should not become an outage of the API (the credential
 * limits make the other choice).
 */
export function limitClientRate(
  fastify: FastifyInstance,
  store: RateLimitStore,
  limits: ClientRateLimits,
): void {
  const logger = new Logger('RateLimit');
  fastify.addHook('onRequest', async (request, reply) => {
    if (UNLIMITED_PATHS.some((path) => request.url.startsWith(path))) return;
    const userId = await limits.userOf(request);
    const policy = userId === undefined ? limits.anonymous : limits.user;
    const key = userId === undefined ? `ip:${request.ip}` : `user:${userId}`;
    let decision;
    try {
      decision = await store.consume(key, policy);
    } catch (error) {
      logger.warn({ err: error }, 'rate limit store unavailable; request allowed');
      return;
    }
    const windowSeconds = Math.ceil(policy.windowMs / 1000);
    const resetSeconds = Math.ceil(decision.resetMs / 1000);
    // draft-ietf-httpapi-ratelimit-headers: the policy, and where this client stands in it.
    reply.header('ratelimit-policy', `"${policy.name}";q=${policy.limit};w=${windowSeconds}`);
    reply.header('ratelimit', `"${policy.name}";r=${decision.remaining};t=${resetSeconds}`);
    if (decision.allowed) return;
    limits.onRejected?.(policy.name);
    reply.header('retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
    const problem = toProblem(
      new AppError('RATE_LIMITED', 429, 'Too many requests; retry after the time given.'),
      { instance: request.url.split('?')[0], traceId: request.id },
    );
    await reply.status(429).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
