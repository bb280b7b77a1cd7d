import { Injectable } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '#atlas/http';
import { type AuthenticatedUser, JwtAuthGuard } from '#atlas/security';

/** The guard reads @Public() from the handler and class it is given: these carry none. */
function fieldAccess(): void {}

/**
 * The REST routes' authentication, run on demand. `/graphql` is public because `products` is;
 * `me` and `myOrders` call this, which runs the very guard a protected REST route runs
 * (signature, claims, session revocation; the same 401, or 503 when revocation cannot be
 * checked), so there is no second way to verify a token to keep in step.
 */
@Injectable()
export class GraphqlAuthentication {
  constructor(private readonly guard: JwtAuthGuard) {}

  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedUser> {
    const context = new ExecutionContextHost([request, reply], GraphqlAuthentication, fieldAccess);
    const allowed = await this.guard.canActivate(context);
    const user = (request as FastifyRequest & { user?: AuthenticatedUser }).user;
    if (allowed !== true || !user) {
      throw unauthorized('AUTH.UNAUTHENTICATED', 'A valid access token is required.');
    }
    return user;
  }
}
