import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './access-token.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';

/**
 * Finds the public key that verifies a token, from the auth service's JWKS (fetched lazily,
 * cached, refetched when an unknown `kid` appears, so key rotation needs no restart).
 *
 * The header is checked before any key is looked up: a token that names another algorithm,
 * another type, or brings its own key (`jwk`, `jku`, `x5u`, `x5c`) is refused outright instead
 * of letting the token choose how it is verified.
 */
@Injectable()
export class JwksKeyResolver {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  /** PEM of each key the JWKS handed out (it hands out the same object for a kid each time). */
  private readonly pems = new WeakMap<object, string>();

  constructor(@Inject(SECURITY_OPTIONS) options: SecurityOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: 3_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  /** The verification key as PEM, the form passport-jwt hands to jsonwebtoken. */
  async keyFor(token: string): Promise<string> {
    const header = decodeProtectedHeader(token);
    assertSafeHeader(header);
    const key = await this.jwks({ alg: ACCESS_TOKEN_ALGORITHM, kid: header.kid }, undefined);
    let pem = this.pems.get(key);
    if (pem === undefined) {
      pem = KeyObject.from(key).export({ type: 'spki', format: 'pem' }).toString();
      this.pems.set(key, pem);
    }
    return pem;
  }
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
