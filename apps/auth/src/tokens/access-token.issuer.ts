import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '#atlas/contracts';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '#atlas/security';
import { TOKEN_SETTINGS } from './token-settings.js';
import type { TokenSettings } from '../auth.config.js';
import { SigningKeysService } from './signing-keys.service.js';

export interface AccessTokenSubject {
  readonly userId: string;
  readonly sessionId: string;
  readonly roles: readonly Role[];
}

/** Short-lived access tokens (RFC 9068 `at+jwt`), verified by every service through the JWKS. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.accessTtlSeconds;
  }

  async issue(subject: AccessTokenSubject, now = new Date()): Promise<string> {
    const key = await this.keys.signingKey(now.getTime());
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ roles: [...subject.roles], sid: subject.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: key.kid })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + this.settings.accessTtlSeconds)
      .sign(key.privateKey);
  }
}
