import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { EncryptionKeysEnv } from './encryption-keys.js';
import { EncryptionKeyring } from './encryption-keyring.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('EncryptionKeyring (AES-256-GCM with key ids)', () => {
  it('round-trips a secret and never stores it in the clear', () => {
    const ring = new EncryptionKeyring([key('k1')]);
    const stored = ring.encrypt('JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(stored).toMatch(/^v1\.k1\./);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(ring.decrypt(stored, 'totp:user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(ring.encrypt('JBSWY3DPEHPK3PXP', 'totp:user-1')).not.toBe(stored);
  });

  it('refuses a ciphertext moved to another row (bound to its context)', () => {
    const ring = new EncryptionKeyring([key('k1')]);
    const stored = ring.encrypt('secret', 'totp:user-1');
    expect(() => ring.decrypt(stored, 'totp:user-2')).toThrow(/unable to authenticate data/);
  });

  it('refuses a tampered ciphertext', () => {
    const ring = new EncryptionKeyring([key('k1')]);
    const [version, id, iv, ciphertext = '', tag] = ring.encrypt('secret', 'c').split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [version, id, iv, flipped.toString('base64url'), tag].join('.');
    expect(() => ring.decrypt(tampered, 'c')).toThrow(/unable to authenticate data/);
  });

  it('decrypts with an older key after rotation, and marks such values for re-encryption', () => {
    const old = key('k1');
    const before = new EncryptionKeyring([old]);
    const stored = before.encrypt('secret', 'c');
    const after = new EncryptionKeyring([key('k2'), old]);
    expect(after.decrypt(stored, 'c')).toBe('secret');
    expect(after.isStale(stored)).toBe(true);
    expect(after.isStale(after.encrypt('secret', 'c'))).toBe(false);
    expect(() => new EncryptionKeyring([key('k2')]).decrypt(stored, 'c')).toThrow(
      /key "k1", which AUTH_ENCRYPTION_KEYS no longer lists/,
    );
  });

  it('parses AUTH_ENCRYPTION_KEYS and names what is wrong with it', () => {
    const k1 = randomBytes(32).toString('base64');
    expect(EncryptionKeysEnv.parse(`k2:${k1}, k1:${k1}`).map((entry) => entry.id)).toEqual([
      'k2',
      'k1',
    ]);
    expect(
      EncryptionKeysEnv.safeParse(`k1:${randomBytes(16).toString('base64')}`).error?.message,
    ).toMatch(/not 32 bytes/);
    expect(EncryptionKeysEnv.safeParse(k1).success).toBe(false);
    expect(EncryptionKeysEnv.safeParse(`k1:${k1},k1:${k1}`).error?.message).toMatch(/twice/);
  });
});
