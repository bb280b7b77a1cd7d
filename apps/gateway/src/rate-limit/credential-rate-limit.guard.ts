import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Optional,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RateLimitStore } from '#atlas/cache';
import { AppError, tooManyRequests } from '#atlas/http';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../gateway.metrics.js';
import { GATEWAY_CONFIG } from '../upstream/upstream.client.js';

/** The routes where credentials are tried, each with its own budget per client IP. */
export type CredentialRoute = 'login' | 'mfa-verify' | 'refresh' | 'register' | 'oidc';

const CREDENTIAL_ROUTE = 'atlas:credential-route';

/** Marks a route as a place where credentials are guessed: limited per client IP. */
export const LimitPerClientIp = (route: CredentialRoute) => SetMetadata(CREDENTIAL_ROUTE, route);

/** The credential route a handler is marked as, if any. */
export function credentialRouteOf(
  reflector: Reflector,
  handler: Parameters<Reflector['get']>[1],
): CredentialRoute | undefined {
  return reflector.get<CredentialRoute | undefined>(CREDENTIAL_ROUTE, handler);
}

/**
 * Per-client-IP limits on the credential routes, tighter than the gateway's general limit and
 * shared by every gateway replica through Redis (the auth service adds per-account limits
 * behind it). The client IP is the one Fastify derives through TRUSTED_PROXIES only.
 *
 * Unlike the general limiter, this one fails closed: when Redis cannot be asked, credential
 * routes answer 503. Access tokens are refused then anyway (their revocation check needs the
 * same Redis), so this costs nothing that was still working, and never opens an unlimited
 * window for password guessing.
 */
@Injectable()
export class CredentialRateLimitGuard implements CanActivate {
  private readonly logger = new Logger('CredentialRateLimit');

  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const route = credentialRouteOf(this.reflector, context.getHandler());
    if (!route) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    let decision;
    try {
      decision = await this.store.consume(
        `credentials:${route}:ip:${request.ip}`,
        this.config.credentialRateLimit,
      );
    } catch (error) {
      this.logger.warn({ err: error, route }, 'credential rate limit unavailable; refused');
      throw new AppError(
        'AUTH.UNAVAILABLE',
        503,
        'Signing in is temporarily unavailable; retry shortly.',
        undefined,
        5,
      );
    }
    if (decision.allowed) return true;
    this.metrics?.rateLimited('credentials');
    throw tooManyRequests(
      'RATE_LIMITED',
      'Too many attempts from this address; retry after the time given.',
      decision.retryAfterMs / 1000,
    );
  }
}
