import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '#atlas/http';
import type { AuthenticatedUser } from './access-token.js';
import { authenticatedUserOf, RequestAuthentication } from './request-authentication.js';

/**
 * Global: every HTTP route needs a valid access token unless marked `@Public()`, so a route
 * someone forgets to protect fails closed. Message handlers (Kafka) are not HTTP and pass.
 * The caller it lets through is `request.user` (read it with `@CurrentUser()`).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: RequestAuthentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    request.user = authenticatedUserOf(await this.authentication.authenticate(request.raw));
    return true;
  }
}
