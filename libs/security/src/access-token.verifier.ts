import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, errors, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaims,
  type AuthenticatedUser,
} from './access-token.js';
import { JWKS_CACHE_MAX_AGE_MS, JwksKeyResolver } from './jwks-key.resolver.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Clock skew tolerated between the auth service and a verifier, in seconds. */
export const CLOCK_TOLERANCE_S = 5;

/** Distinct tokens whose verdicts one process keeps (about 1 KB each). */
const VERIFIED_TOKENS = 10_000;

/**
 * How long a token whose signature failed is refused without another ECDSA check: a client
 * (or an attacker) replaying one forged token costs a map lookup, not 100 µs of CPU each.
 */
const REJECTION_MS = 60_000;

/** The token is not an Atlas access token that verifies; the message says why, for the logs. */
export class InvalidAccessToken extends Error {
  override readonly name = 'InvalidAccessToken';
}

/**
 * The one check of an access token in Atlas, used by the HTTP guard, the gateway's rate
 * limiter, GraphQL and the live WebSocket alike: the header is pinned (ES256, `at+jwt`, no
 * embedded keys; jwks-key.resolver.ts), the signature is checked against the auth service's
 * published key, then issuer, audience, times (with `CLOCK_TOLERANCE_S`, and no token older
 * than a day) and the claim shapes (a token signed by us for another purpose, with no `sid` or
 * roles, cannot act as a user). Whether the session was revoked is the next question, asked by
 * `RequestAuthentication` on every request.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS);

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
    private readonly keys: JwksKeyResolver,
  ) {}

  /** The caller the token names; throws `InvalidAccessToken` if it does not verify. */
  async verify(token: string): Promise<AuthenticatedUser> {
    const known = this.verified.get(token);
    if (known) return known;
    const rejected = this.verified.rejection(token);
    if (rejected !== undefined) throw new InvalidAccessToken(rejected);
    refuseExpired(token);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.keyFor, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: '1d',
      }));
    } catch (error) {
      const reason = `the access token does not verify: ${messageOf(error)}`;
      // Only a failed signature is final; a key not found or a JWKS that did not answer may
      // be different a moment later (a rotation, an outage), and so may `nbf`.
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        this.verified.reject(token, reason, Date.now() + REJECTION_MS);
      }
      throw new InvalidAccessToken(reason, { cause: error });
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) {
      throw new InvalidAccessToken('the access token lacks the claims of an Atlas access token');
    }
    const user: AuthenticatedUser = {
      id: claims.data.sub,
      roles: claims.data.roles,
      sessionId: claims.data.sid,
      tokenId: claims.data.jti,
    };
    this.verified.remember(
      token,
      user,
      Math.min((claims.data.exp + CLOCK_TOLERANCE_S) * 1000, Date.now() + JWKS_CACHE_MAX_AGE_MS),
    );
    return user;
  }
}

/**
 * An expired token is refused before its signature is checked: the check is the expensive part,
 * and what an unverified `exp` claims can only make the answer "no", never "yes".
 */
function refuseExpired(token: string): void {
  let exp: unknown;
  try {
    ({ exp } = decodeJwt(token));
  } catch (error) {
    throw new InvalidAccessToken(`the access token is not a JWT: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (typeof exp === 'number' && exp + CLOCK_TOLERANCE_S <= Date.now() / 1000) {
    throw new InvalidAccessToken('the access token has expired');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
