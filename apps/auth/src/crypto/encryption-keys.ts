import { z } from 'zod';

/** One AES-256 key from configuration, named so a stored ciphertext says which key made it. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * `AUTH_ENCRYPTION_KEYS`: a comma-separated list of `<id>:<32 bytes in base64>`, newest first.
 * The first key encrypts; every listed key decrypts, so a key is rotated by putting a new one
 * in front and dropping the old one once nothing is encrypted with it any more.
 * Generate one with `node -e "console.log('k1:' + crypto.randomBytes(32).toString('base64'))"`.
 */
export const EncryptionKeysEnv = z
  .string()
  .transform((value, ctx): EncryptionKey[] => {
    const keys: EncryptionKey[] = [];
    for (const entry of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const separator = entry.indexOf(':');
      const id = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), 'base64');
      if (separator < 1 || !KEY_ID.test(id)) {
        ctx.addIssue({ code: 'custom', message: 'has an entry without a key id (id:base64)' });
      } else if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: `key ${id} is not 32 bytes of base64` });
      } else if (keys.some((known) => known.id === id)) {
        ctx.addIssue({ code: 'custom', message: `names key ${id} twice` });
      } else {
        keys.push({ id, key });
      }
    }
    if (keys.length === 0 && value.trim() !== '') {
      ctx.addIssue({ code: 'custom', message: 'holds no key' });
    }
    return keys;
  })
  .describe(
    'id:base64 of 32 random bytes, newest first, e.g. k1:' +
      '$(node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))")',
  );
