import { createHmac, randomUUID } from 'node:crypto';
import {
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { SecurityPlatform } from './security-platform.js';

export interface ForgeOptions {
  readonly header?: Record<string, unknown>;
  readonly claims?: Record<string, unknown>;
  /** Sign with the attacker's own key instead of Atlas's. */
  readonly attackerKey?: boolean;
}

/**
 * Forges access tokens the way an attacker would, and — to prove each check on its own — the
 * way only Atlas's signing key could: it reads the active key from the auth database and
 * decrypts it with the suite's copy of the encryption key. A token that differs from a
 * genuine one in a single respect, and is otherwise validly signed, shows that exactly that
 * respect is checked.
 */
export class TokenForge {
  private constructor(
    private readonly atlas: { kid: string; key: CryptoKey; publicJwk: JWK },
    private readonly attacker: { key: CryptoKey; jwk: JWK },
  ) {}

  static async open(platform: SecurityPlatform): Promise<TokenForge> {
    const db = await platform.authDatabase();
    try {
      const { rows } = await db.query<{
        kid: string;
        private_key_encrypted: string;
        public_jwk: JWK;
      }>(
        `SELECT kid, private_key_encrypted, public_jwk FROM signing_keys
          WHERE activates_at <= now() ORDER BY activates_at DESC LIMIT 1`,
      );
      const [row] = rows;
      if (!row) throw new Error('auth has no active signing key');
      const jwk: JWK = JSON.parse(
        platform.keyring.decrypt(row.private_key_encrypted, `signing-key:${row.kid}`),
      );
      const key = await importJWK(jwk, 'ES256');
      if (key instanceof Uint8Array) throw new Error('the signing key is not an ES256 key');
      const pair = await generateKeyPair('ES256', { extractable: true });
      return new TokenForge(
        { kid: row.kid, key, publicJwk: row.public_jwk },
        { key: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: randomUUID() } },
      );
    } finally {
      await db.end();
    }
  }

  /** The attacker's public key, as it would be embedded in a `jwk` header. */
  get attackerJwk(): JWK {
    return this.attacker.jwk;
  }

  /** Re-signs a genuine token's claims, changed as asked. */
  async sign(genuine: string, options: ForgeOptions = {}): Promise<string> {
    const claims: JWTPayload = { ...decodeJwt(genuine), jti: randomUUID(), ...options.claims };
    const signer = options.attackerKey ? this.attacker : { key: this.atlas.key, jwk: undefined };
    const kid = options.attackerKey ? this.attacker.jwk.kid : this.atlas.kid;
    return new SignJWT(withoutUndefined(claims))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...options.header })
      .sign(signer.key);
  }

  /** `alg: none`: no signature at all. */
  unsigned(genuine: string): string {
    const header = { alg: 'none', typ: 'at+jwt', kid: this.atlas.kid };
    return `${encode(header)}.${encode(decodeJwt(genuine))}.`;
  }

  /** HS256 with Atlas's public key as the HMAC secret: the algorithm-confusion attack. */
  hmacWithPublicKey(genuine: string): string {
    const header = { alg: 'HS256', typ: 'at+jwt', kid: this.atlas.kid };
    const body = `${encode(header)}.${encode(decodeJwt(genuine))}`;
    const secret = JSON.stringify(this.atlas.publicJwk);
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  }

  /** A genuine token whose payload was edited after signing (roles: admin). */
  tampered(genuine: string): string {
    const [header, , signature] = genuine.split('.');
    return `${header}.${encode({ ...decodeJwt(genuine), roles: ['admin'] })}.${signature}`;
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function withoutUndefined(claims: JWTPayload): JWTPayload {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
