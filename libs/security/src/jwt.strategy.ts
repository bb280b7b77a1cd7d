import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  ACCESS_TOKEN_ALGORITHM,
  AccessTokenClaims,
  type AuthenticatedUser,
} from './access-token.js';
import { JwksKeyResolver } from './jwks-key.resolver.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';
import { SessionRevocations } from './session-revocations.js';

/** Clock skew tolerated between the auth service and a verifier, in seconds. */
export const CLOCK_TOLERANCE_S = 5;

/**
 * passport-jwt verifies the signature, algorithm, issuer, audience and time claims; the key
 * comes from the JWKS through the resolver. `validate` then checks the claim shapes so a
 * token signed by us for another purpose (no `sid`, no roles) still cannot act as a user, and
 * asks the revocation store whether the token's session has ended (logout, reuse, a password
 * change...): that answer is not cached, so a revocation takes effect on the next request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(SECURITY_OPTIONS) options: SecurityOptions,
    keys: JwksKeyResolver,
    private readonly revocations: SessionRevocations,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_S, maxAge: '1d' },
      secretOrKeyProvider: (
        _request: IncomingMessage,
        token: string,
        done: (error: unknown, key?: string) => void,
      ) => void provideKey(keys, token, done),
    });
  }

  /** Throws SessionStoreUnavailable when revocation cannot be checked: the guard fails closed. */
  async validate(payload: unknown): Promise<AuthenticatedUser | false> {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) return false;
    if (await this.revocations.isRevoked(claims.data.sid)) return false;
    return {
      id: claims.data.sub,
      roles: claims.data.roles,
      sessionId: claims.data.sid,
      tokenId: claims.data.jti,
    };
  }
}

/** passport-jwt asks for the key with a Node-style callback. */
async function provideKey(
  keys: JwksKeyResolver,
  token: string,
  done: (error: unknown, key?: string) => void,
): Promise<void> {
  let key: string;
  try {
    key = await keys.keyFor(token);
  } catch (error) {
    done(error);
    return;
  }
  done(null, key);
}
