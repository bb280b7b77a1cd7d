import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { ACCESS_TOKEN_ALGORITHM } from '#atlas/security';
import { SigningKey } from './signing-key.entity.js';

export interface ActiveKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

/**
 * Owns the token signing keys. On first start it creates one; every replica signs with the
 * newest and publishes all of them, so two replicas racing to create a key on an empty
 * database both end up valid, and a new key can be added without invalidating live tokens.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private active?: ActiveKey;

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const newest = await this.newest();
    const key = newest ?? (await this.create());
    const privateKey = await importJWK(key.privateJwk, ACCESS_TOKEN_ALGORITHM);
    if (privateKey instanceof Uint8Array) {
      throw new Error(`signing key ${key.kid} is a symmetric key; Atlas signs with ES256 only`);
    }
    this.active = { kid: key.kid, privateKey };
  }

  signingKey(): ActiveKey {
    if (!this.active) throw new Error('signing keys are not loaded yet');
    return this.active;
  }

  async publicKeys(): Promise<PublicJwk[]> {
    const keys = await this.dataSource
      .getRepository(SigningKey)
      .find({ order: { createdAt: 'DESC' } });
    return keys.map((key) => ({
      ...key.publicJwk,
      kid: key.kid,
      alg: key.algorithm,
      use: 'sig' as const,
    }));
  }

  private newest(): Promise<SigningKey | null> {
    return this.dataSource
      .getRepository(SigningKey)
      .findOne({ where: {}, order: { createdAt: 'DESC' } });
  }

  private async create(): Promise<SigningKey> {
    const pair = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    const key = this.dataSource.getRepository(SigningKey).create({
      kid: randomUUID(),
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: await exportJWK(pair.publicKey),
      privateJwk: await exportJWK(pair.privateKey),
    });
    await this.dataSource.getRepository(SigningKey).insert(key);
    this.logger.log({ kid: key.kid }, 'created a new token signing key');
    return key;
  }
}
