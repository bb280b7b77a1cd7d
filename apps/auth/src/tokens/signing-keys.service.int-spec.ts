import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { DataSource } from 'typeorm';
import { messagingTables, OutboxService } from '#atlas/messaging';
import { openDataSource } from '#atlas/persistence';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { AuditLog } from '../audit/audit-log.js';
import { EncryptionKeyring } from '../crypto/encryption-keyring.js';
import { CreateAuthTables1764100000000 } from '../migrations/1764100000000-create-auth-tables.js';
import { AddSecurityTables1764200000000 } from '../migrations/1764200000000-add-security-tables.js';
import { SigningKey } from './signing-key.entity.js';
import { SigningKeysService } from './signing-keys.service.js';

const settings = {
  jwksUrl: 'http://127.0.0.1/jwks.json',
  issuer: 'atlas-auth',
  audience: 'atlas',
  revocations: { kind: 'memory' as const },
  accessTtlSeconds: 900,
  refreshTtlSeconds: 86_400,
  keyActivationDelaySeconds: 60,
};

describe('SigningKeysService (real database)', () => {
  let db: TestDatabase | undefined;
  const open: DataSource[] = [];
  afterAll(async () => {
    for (const dataSource of open) await dataSource.destroy();
    await db?.drop();
  });

  const connect = async (migrations: Parameters<typeof openDataSource>[0]['migrations']) => {
    db ??= await createTestDatabase('auth_keys');
    const dataSource = await openDataSource({
      service: 'auth',
      url: db.url,
      poolMax: db.kind === 'embedded' ? 1 : 2,
      entities: [SigningKey, AuditEvent],
      migrations,
      libraryTables: [messagingTables],
    });
    open.push(dataSource);
    return dataSource;
  };
  const key = (id: string) => ({ id, key: randomBytes(32) });
  const service = (dataSource: DataSource, keyring: EncryptionKeyring) =>
    new SigningKeysService(
      dataSource,
      keyring,
      new AuditLog(dataSource, new OutboxService()),
      settings,
    );

  it('encrypts keys stored in the clear, rotates with a staged activation, and re-encrypts under a new key', async () => {
    // A key written before encryption at rest, by the first migration's schema.
    const before = await connect([CreateAuthTables1764100000000]);
    const pair = await generateKeyPair('ES256', { extractable: true });
    const oldKid = randomUUID();
    await before.query(
      'INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk) VALUES ($1, $2, $3, $4)',
      [oldKid, 'ES256', await exportJWK(pair.publicKey), await exportJWK(pair.privateKey)],
    );
    const dataSource = await connect([
      CreateAuthTables1764100000000,
      AddSecurityTables1764200000000,
    ]);
    const k1 = key('k1');
    const keys = service(dataSource, new EncryptionKeyring([k1]));
    await keys.onModuleInit();
    const [stored] = await dataSource.query<
      { private_jwk: unknown; private_key_encrypted: string }[]
    >('SELECT private_jwk, private_key_encrypted FROM signing_keys WHERE kid = $1', [oldKid]);
    expect(stored?.private_jwk).toBeNull();
    expect(stored?.private_key_encrypted).toMatch(/^v1\.k1\./);
    expect((await keys.signingKey()).kid).toBe(oldKid);

    const now = Date.now();
    const next = await keys.rotate({ id: randomUUID(), sessionId: randomUUID() }, '203.0.113.1');
    expect(next.status).toBe('upcoming');
    expect((await keys.publicKeys()).map((jwk) => jwk.kid).toSorted()).toEqual(
      [oldKid, next.kid].toSorted(),
    );
    expect((await keys.signingKey(now + 1_000)).kid).toBe(oldKid);
    const afterActivation = now + 61_000;
    expect((await keys.signingKey(afterActivation)).kid).toBe(next.kid);
    const statuses = await keys.list(new Date(afterActivation));
    expect(statuses.find((item) => item.kid === oldKid)?.status).toBe('retired');
    expect(statuses.find((item) => item.kid === next.kid)?.status).toBe('active');
    // The old key stays published until its last token has expired, then it goes.
    const lastOldToken = afterActivation + settings.accessTtlSeconds * 1000;
    expect((await keys.publicKeys(new Date(lastOldToken))).map((jwk) => jwk.kid)).toContain(oldKid);
    expect((await keys.publicKeys(new Date(lastOldToken + 120_000))).map((jwk) => jwk.kid)).toEqual(
      [next.kid],
    );

    // A new encryption key in front: at the next start every signing key moves to it.
    await service(dataSource, new EncryptionKeyring([key('k2'), k1])).onModuleInit();
    const reencrypted = await dataSource.query<{ private_key_encrypted: string }[]>(
      'SELECT private_key_encrypted FROM signing_keys',
    );
    expect(reencrypted.map((row) => row.private_key_encrypted.split('.')[1])).toEqual(['k2', 'k2']);
    const audit = await dataSource.query<{ type: string }[]>('SELECT type FROM audit_events');
    expect(audit.map((row) => row.type)).toEqual(['signing-key.rotated']);
  });
});
