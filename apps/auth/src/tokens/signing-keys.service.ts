import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import type { SigningKeyStatus, SigningKeyView } from '#atlas/contracts';
import { ACCESS_TOKEN_ALGORITHM, CLOCK_TOLERANCE_S } from '#atlas/security';
import { AuditLog } from '../audit/audit-log.js';
import type { TokenSettings } from '../auth.config.js';
import { EncryptionKeyring } from '../crypto/encryption-keyring.js';
import { SigningKey } from './signing-key.entity.js';
import { TOKEN_SETTINGS } from './token-settings.js';

export interface ActiveKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

/** How long a replica keeps using the key it found before it looks for a newer one. */
const ACTIVE_KEY_RECHECK_MS = 10_000;

/**
 * Owns the token signing keys and their rotation. A key goes through three states:
 * `upcoming` (published in the JWKS, not signing yet, so verifiers learn it first), `active`
 * (the newest key whose activation time has passed: it signs) and `retired` (a newer one
 * signs; it stays published until every token it signed has expired, then it is dropped from
 * the JWKS). Private keys are stored encrypted with AES-256-GCM; every replica re-reads the
 * active key every few seconds, so a rotation needs no restart.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private active?: { key: ActiveKey; checkedAt: number };

  constructor(
    private readonly dataSource: DataSource,
    private readonly keyring: EncryptionKeyring,
    private readonly audit: AuditLog,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.encryptStoredKeys();
    const any = await this.repository().findOne({ where: {}, order: { createdAt: 'DESC' } });
    // The very first key signs at once: no verifier can have cached a JWKS without it.
    if (!any) await this.dataSource.transaction((manager) => this.create(manager, new Date()));
    await this.signingKey();
  }

  async signingKey(now = Date.now()): Promise<ActiveKey> {
    if (this.active && now - this.active.checkedAt < ACTIVE_KEY_RECHECK_MS) return this.active.key;
    const newest = await this.repository()
      .createQueryBuilder('key')
      .where('key.activates_at <= :now', { now: new Date(now) })
      .orderBy('key.activates_at', 'DESC')
      .addOrderBy('key.created_at', 'DESC')
      .getOne();
    if (!newest) throw new Error('no token signing key is active yet');
    if (this.active?.key.kid !== newest.kid) {
      this.active = { key: await this.privateKeyOf(newest), checkedAt: now };
    } else {
      this.active.checkedAt = now;
    }
    return this.active.key;
  }

  /** What verifiers need: upcoming, active and recently retired keys. */
  async publicKeys(now = new Date()): Promise<PublicJwk[]> {
    const keys = await this.statuses(now);
    return keys
      .filter(({ status, retiredAt }) => status !== 'retired' || this.stillVerifies(retiredAt, now))
      .map(({ key }) => ({
        ...key.publicJwk,
        kid: key.kid,
        alg: key.algorithm,
        use: 'sig' as const,
      }));
  }

  async list(now = new Date()): Promise<SigningKeyView[]> {
    return (await this.statuses(now)).map(({ key, status }) => ({
      kid: key.kid,
      algorithm: key.algorithm,
      createdAt: key.createdAt.toISOString(),
      activatesAt: key.activatesAt.toISOString(),
      status,
    }));
  }

  /**
   * Rotation: a new key, published now, signing once SIGNING_KEY_ACTIVATION_DELAY_SECONDS have
   * passed. Tokens of the old key keep verifying until they expire.
   */
  async rotate(
    actor: { id: string; sessionId: string },
    clientIp: string,
  ): Promise<SigningKeyView> {
    const now = new Date();
    const activatesAt = new Date(now.getTime() + this.settings.keyActivationDelaySeconds * 1000);
    const key = await this.dataSource.transaction(async (manager) => {
      const created = await this.create(manager, activatesAt);
      await this.audit.record(manager, {
        type: 'signing-key.rotated',
        actorId: actor.id,
        sessionId: actor.sessionId,
        clientIp,
        details: { kid: created.kid, activatesAt: activatesAt.toISOString() },
      });
      return created;
    });
    this.logger.log({ kid: key.kid, activatesAt }, 'rotated the token signing key');
    const listed = (await this.list(now)).find((item) => item.kid === key.kid);
    if (!listed) throw new Error(`signing key ${key.kid} vanished after its creation`);
    return listed;
  }

  private async statuses(now: Date) {
    const keys = await this.repository().find({ order: { activatesAt: 'ASC', createdAt: 'ASC' } });
    const started = keys.filter((key) => key.activatesAt <= now);
    const current = started.at(-1);
    return keys.map((key, index) => {
      const successor = keys.slice(index + 1).find((next) => next.activatesAt <= now);
      const status: SigningKeyStatus =
        key.activatesAt > now ? 'upcoming' : key === current ? 'active' : 'retired';
      return { key, status, retiredAt: successor?.activatesAt };
    });
  }

  /** A retired key verifies until the last token it signed has expired (plus clock skew). */
  private stillVerifies(retiredAt: Date | undefined, now: Date): boolean {
    if (!retiredAt) return true;
    const lastExpiry =
      retiredAt.getTime() + (this.settings.accessTtlSeconds + CLOCK_TOLERANCE_S) * 1000;
    return now.getTime() < lastExpiry + 60_000;
  }

  private async create(manager: EntityManager, activatesAt: Date): Promise<SigningKey> {
    const pair = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const key = manager.create(SigningKey, {
      kid,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: await exportJWK(pair.publicKey),
      privateJwk: null,
      privateKeyEncrypted: this.keyring.encrypt(
        JSON.stringify(await exportJWK(pair.privateKey)),
        contextOf(kid),
      ),
      activatesAt,
    });
    await manager.insert(SigningKey, key);
    return key;
  }

  private async privateKeyOf(stored: SigningKey): Promise<ActiveKey> {
    if (!stored.privateKeyEncrypted) {
      throw new Error(`signing key ${stored.kid} has no encrypted private key`);
    }
    const jwk: JWK = JSON.parse(
      this.keyring.decrypt(stored.privateKeyEncrypted, contextOf(stored.kid)),
    );
    const privateKey = await importJWK(jwk, ACCESS_TOKEN_ALGORITHM);
    if (privateKey instanceof Uint8Array) {
      throw new Error(`signing key ${stored.kid} is a symmetric key; Atlas signs with ES256 only`);
    }
    return { kid: stored.kid, privateKey };
  }

  /**
   * Keys stored before encryption at rest, or under an encryption key that has since been
   * rotated out of first place, are (re-)encrypted with the current one at start.
   */
  private async encryptStoredKeys(): Promise<void> {
    const plaintext = await this.repository().find({ where: { privateJwk: Not(IsNull()) } });
    const encrypted = await this.repository().find({
      where: { privateKeyEncrypted: Not(IsNull()) },
    });
    const stale = encrypted.filter(
      (key) => key.privateKeyEncrypted && this.keyring.isStale(key.privateKeyEncrypted),
    );
    for (const key of [...plaintext, ...stale]) {
      const json = key.privateJwk
        ? JSON.stringify(key.privateJwk)
        : this.keyring.decrypt(key.privateKeyEncrypted ?? '', contextOf(key.kid));
      await this.repository().update(
        { kid: key.kid },
        { privateJwk: null, privateKeyEncrypted: this.keyring.encrypt(json, contextOf(key.kid)) },
      );
      this.logger.log({ kid: key.kid }, 'encrypted a stored signing key with the current key');
    }
  }

  private repository() {
    return this.dataSource.getRepository(SigningKey);
  }
}

function contextOf(kid: string): string {
  return `signing-key:${kid}`;
}
