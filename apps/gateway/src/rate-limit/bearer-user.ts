import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaims,
  CLOCK_TOLERANCE_S,
  JwksKeyResolver,
  SECURITY_OPTIONS,
  type SecurityOptions,
} from '#atlas/security';

/**
 * Who a request's bearer token names, for rate limiting only: the signature, algorithm, type,
 * issuer, audience and times are checked with the same JWKS as the auth guard, so a forged
 * token cannot spend another user's budget. Whether the session is still alive is the guard's
 * business; an unverifiable token simply makes the call anonymous.
 */
@Injectable()
export class BearerUser {
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
    private readonly resolver: JwksKeyResolver,
  ) {}

  readonly of = async (request: FastifyRequest): Promise<string | undefined> => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const token = header.slice('Bearer '.length).trim();
    try {
      const { payload } = await jwtVerify(token, await this.keyFor(token), {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      return AccessTokenClaims.safeParse(payload).data?.sub;
    } catch {
      return undefined;
    }
  };

  private async keyFor(token: string): Promise<KeyObject> {
    const pem = await this.resolver.keyFor(token);
    let key = this.keys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      this.keys.set(pem, key);
    }
    return key;
  }
}
