import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, IS_PUBLIC, unauthorized } from '#atlas/http';
import { SessionStoreUnavailable } from './session-revocations.js';

/**
 * Global: every HTTP route needs a valid access token unless marked `@Public()`, so a route
 * someone forgets to protect fails closed. Message handlers (Kafka) are not HTTP and pass.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<User>(error: unknown, user: User | false): User {
    // Revocation could not be checked: refuse, but as "try again", not as "your token is bad",
    // so clients keep their tokens through a Redis outage instead of signing everyone out.
    if (error instanceof SessionStoreUnavailable) {
      throw new AppError(
        'AUTH.UNAVAILABLE',
        503,
        'Authentication is temporarily unavailable; retry shortly.',
      );
    }
    // One answer for every other failure (missing, malformed, expired, wrong key, revoked):
    // the reason is for the logs, not for whoever is probing.
    if (error || !user) {
      throw unauthorized('AUTH.UNAUTHENTICATED', 'A valid access token is required.');
    }
    return user;
  }
}
