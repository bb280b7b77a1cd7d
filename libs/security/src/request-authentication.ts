import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AppError, unauthorized } from '#atlas/http';
import type { AuthenticatedUser } from './access-token.js';
import { AccessTokenVerifier, InvalidAccessToken } from './access-token.verifier.js';
import { SessionRevocations, SessionStoreUnavailable } from './session-revocations.js';

/** Who a request's bearer token names, if its signature and claims verify (revocation aside). */
export type Identity =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'verified'; readonly user: AuthenticatedUser };

/** The identity, once the session is known to be alive. */
export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'revoked'; readonly user: AuthenticatedUser }
  | { readonly kind: 'unavailable'; readonly user: AuthenticatedUser }
  | { readonly kind: 'authenticated'; readonly user: AuthenticatedUser };

interface Answers {
  identity?: Promise<Identity>;
  authentication?: Promise<Authentication>;
}

/**
 * Each request's bearer token, checked once however many steps ask: the gateway's rate limiter
 * (who is calling), the HTTP guard, GraphQL and the WebSocket upgrade (may they). The answers
 * are kept with the request itself (a WeakMap on Node's request object), so they go when it
 * goes. The signature check is `AccessTokenVerifier`'s; the revocation check asks the shared
 * store on every request and is not cached, so a revocation takes effect on the next request.
 */
@Injectable()
export class RequestAuthentication {
  private readonly logger = new Logger('Authentication');
  private readonly answers = new WeakMap<IncomingMessage, Answers>();

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  /** Signature and claims only: enough to say whose budget a call spends. */
  identify(request: IncomingMessage): Promise<Identity> {
    const answers = this.answersFor(request);
    return (answers.identity ??= this.verify(request.headers.authorization));
  }

  /** Signature, claims, and whether the session is still alive. */
  authenticate(request: IncomingMessage): Promise<Authentication> {
    const answers = this.answersFor(request);
    return (answers.authentication ??= this.checkSession(this.identify(request)));
  }

  private answersFor(request: IncomingMessage): Answers {
    let answers = this.answers.get(request);
    if (!answers) {
      answers = {};
      this.answers.set(request, answers);
    }
    return answers;
  }

  private async verify(authorization: string | undefined): Promise<Identity> {
    if (authorization === undefined) return { kind: 'anonymous' };
    const token = bearerToken(authorization);
    if (token === undefined) return { kind: 'invalid', reason: 'not a Bearer authorization' };
    try {
      return { kind: 'verified', user: await this.verifier.verify(token) };
    } catch (error) {
      if (error instanceof InvalidAccessToken) return { kind: 'invalid', reason: error.message };
      throw error;
    }
  }

  private async checkSession(identifying: Promise<Identity>): Promise<Authentication> {
    const identity = await identifying;
    if (identity.kind !== 'verified') return identity;
    const { user } = identity;
    try {
      const revoked = await this.revocations.isRevoked(user.sessionId);
      return revoked ? { kind: 'revoked', user } : { kind: 'authenticated', user };
    } catch (error) {
      if (!(error instanceof SessionStoreUnavailable)) throw error;
      this.logger.warn({ err: error }, 'session revocation could not be checked; refusing');
      return { kind: 'unavailable', user };
    }
  }
}

/** The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110). */
export function bearerToken(authorization: string): string | undefined {
  const match = /^bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i.exec(authorization);
  return match?.[1];
}

/**
 * The caller, or the error every entry point answers with: one 401 for any bad token (the
 * reason is for the logs, not for whoever is probing), and 503 when revocation could not be
 * checked, so clients keep their tokens through a Redis outage instead of signing everyone out.
 */
export function authenticatedUserOf(authentication: Authentication): AuthenticatedUser {
  switch (authentication.kind) {
    case 'authenticated':
      return authentication.user;
    case 'unavailable':
      throw new AppError(
        'AUTH.UNAVAILABLE',
        503,
        'Authentication is temporarily unavailable; retry shortly.',
      );
    case 'anonymous':
    case 'invalid':
    case 'revoked':
      throw unauthorized('AUTH.UNAUTHENTICATED', 'A valid access token is required.');
    default: {
      const unknown: never = authentication;
      throw new Error(`unknown authentication ${JSON.stringify(unknown)}`);
    }
  }
}
