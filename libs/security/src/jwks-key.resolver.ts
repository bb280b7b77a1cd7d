import { Inject, Injectable } from '@nestjs/common';
import {
  createRemoteJWKSet,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type ProtectedHeaderParameters,
} from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './access-token.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';

/** How long the auth service's public keys are trusted before the JWKS is fetched again. */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

/**
 * The one cache of the auth service's public keys: fetched lazily from its JWKS, kept for
 * `JWKS_CACHE_MAX_AGE_MS`, refetched when an unknown `kid` appears (at most every 30 s), so
 * key rotation needs no restart.
 *
 * The header is checked before any key is looked up: a token that names another algorithm,
 * another type, or brings its own key (`jwk`, `jku`, `x5u`, `x5c`) is refused outright instead
 * of letting the token choose how it is verified.
 */
@Injectable()
export class JwksKeyResolver {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(SECURITY_OPTIONS) options: SecurityOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: 3_000,
      cooldownDuration: 30_000,
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    });
  }

  /** jose's key lookup for `jwtVerify`: the header is vetted first, then the key found by kid. */
  readonly keyFor = (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    assertSafeHeader(header);
    return this.jwks(header, token);
  };
}

const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

export function assertSafeHeader(header: ProtectedHeaderParameters): void {
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) {
    throw new Error(`token algorithm ${String(header.alg)} is not accepted`);
  }
  if (header.typ !== ACCESS_TOKEN_TYPE) {
    throw new Error(`token type ${String(header.typ)} is not an access token`);
  }
  const embedded = KEY_BEARING_HEADERS.filter((name) => name in header);
  if (embedded.length > 0) {
    throw new Error(`token header carries its own key material (${embedded.join(', ')})`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw new Error('token header has no key id');
  }
}
