import { describe, expect, it } from '@jest/globals';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  it('hashes with argon2id at OWASP parameters (m=19 MiB, t=2, p=1) and a random salt', async () => {
    const hasher = new PasswordHasher();
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
  });

  it('verifies the right password only', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('treats two Unicode spellings of one passphrase as the same password (NFKC)', async () => {
    const hasher = new PasswordHasher();
    const composed = 'caf\u00e9 au lait please';
    const decomposed = 'cafe\u0301 au lait please';
    await expect(hasher.verify(await hasher.hash(composed), decomposed)).resolves.toBe(true);
  });

  it('asks for a re-hash when the hash was made with other parameters', async () => {
    const weaker = new PasswordHasher({ memoryCost: 8_192, timeCost: 1, parallelism: 1 });
    const current = new PasswordHasher();
    const old = await weaker.hash('correct horse battery staple');
    expect(current.needsRehash(old)).toBe(true);
    expect(current.needsRehash(await current.hash('correct horse battery staple'))).toBe(false);
    expect(current.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
    // The old hash still verifies, so the login that finds it can replace it.
    await expect(current.verify(old, 'correct horse battery staple')).resolves.toBe(true);
  });

  it('answers false for an unknown account after doing the same work', async () => {
    const hasher = new PasswordHasher();
    await hasher.onModuleInit();
    await expect(hasher.verifyDecoy('anything at all')).resolves.toBe(false);
    // The same work: the decoy is a real argon2id hash made with today's parameters.
    const decoy: unknown = Reflect.get(hasher, 'decoy');
    expect(decoy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
