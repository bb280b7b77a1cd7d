import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCode } from './recovery-codes.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';

describe('TOTP (RFC 6238)', () => {
  it('accepts the current code and names its time step', async () => {
    const secret = newTotpSecret();
    const stepNow = () => Math.floor(Date.now() / 1000 / 30);
    const before = stepNow();
    const step = await verifyTotp(secret, await generate({ secret }), 0);
    expect([before, stepNow()]).toContain(step);
  });

  it('refuses a code whose step was already used (replay)', async () => {
    const secret = newTotpSecret();
    const code = await generate({ secret });
    const step = await verifyTotp(secret, code, 0);
    expect(step).toBeDefined();
    await expect(verifyTotp(secret, code, step ?? 0)).resolves.toBeUndefined();
  });

  it('refuses a wrong code and anything that is not six digits', async () => {
    const secret = newTotpSecret();
    const code = await generate({ secret });
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await expect(verifyTotp(secret, wrong, 0)).resolves.toBeUndefined();
    await expect(verifyTotp(secret, `${code}0`, 0)).resolves.toBeUndefined();
  });

  it('builds an otpauth URI with the issuer and the account', () => {
    expect(totpUri('JBSWY3DPEHPK3PXP', 'ann@example.com')).toMatch(
      /^otpauth:\/\/totp\/Atlas:ann%40example\.com\?.*secret=JBSWY3DPEHPK3PXP/,
    );
  });
});

describe('recovery codes', () => {
  it('are random, readable, and hashed whatever the case or dashes', () => {
    const codes = Array.from({ length: 10 }, newRecoveryCode);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
      expect(hashRecoveryCode(code.toUpperCase().replaceAll('-', ' '))).toBe(
        hashRecoveryCode(code),
      );
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });
});
