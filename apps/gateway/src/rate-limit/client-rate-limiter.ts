import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimitStore } from '#atlas/cache';
import { RequestAuthentication } from '#atlas/security';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../gateway.metrics.js';
import { GATEWAY_CONFIG } from '../upstream/upstream.client.js';
import { limitClientRate } from './client-rate-limit.js';

/**
 * The gateway's general rate limit (client-rate-limit.ts), on every request before its route
 * runs: per user for a bearer token that verifies, otherwise per client IP.
 *
 * Whose budget a call spends is the token's one verification (`RequestAuthentication`,
 * which the route's guard then reuses). Once the user is known, the session's revocation
 * check is started at the same moment as the rate-limit step: both go to Redis on the one
 * pipelined connection, so a protected call costs one Redis round trip for both.
 */
@Injectable()
export class ClientRateLimiter implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: RateLimitStore,
    private readonly authentication: RequestAuthentication,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    const fastify: FastifyInstance = this.adapterHost.httpAdapter.getInstance();
    limitClientRate(fastify, this.store, {
      ...this.config.rateLimit,
      userOf: this.userOf,
      onRejected: (policy) => this.metrics.rateLimited(policy),
    });
  }

  private readonly userOf = async (request: FastifyRequest): Promise<string | undefined> => {
    const identity = await this.authentication.identify(request.raw);
    if (identity.kind !== 'verified') return undefined;
    // Started now, awaited by the guard: it rides in the rate limit's pipeline. A public route
    // never asks for the answer, so its rejection must not go unhandled here.
    this.authentication.authenticate(request.raw).catch(() => undefined);
    return identity.user.id;
  };
}
