import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 alphabet: no I, L, O or U, so a code copied by hand is read back right.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A single-use recovery code: 16 characters of base32, 80 random bits, shown as
 * `abcd-efgh-jkmn-pqrs`. With that much entropy a SHA-256 is enough to store it (a slow hash
 * protects guessable secrets; these are not).
 */
export function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  const characters = [...bytes].map((byte) => ALPHABET[byte % 32]).join('');
  return characters.match(/.{4}/g)?.join('-') ?? characters;
}

/** Case, dashes and spaces do not matter when a code is typed back. */
export function hashRecoveryCode(code: string): string {
  const canonical = code.toLowerCase().replaceAll(/[^0-9a-z]/g, '');
  return createHash('sha256').update(`atlas-recovery-code:${canonical}`).digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return code.replaceAll(/[^0-9A-Za-z]/g, '').length === 16;
}
