import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-keys.js';

export const ENCRYPTION_KEYS = Symbol('ENCRYPTION_KEYS');

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the secrets auth keeps at rest (TOTP secrets, token signing keys, OIDC
 * verifiers). A stored value reads `v1.<key id>.<iv>.<ciphertext>.<tag>`, so it names its key
 * and keys can rotate. Each value is bound to what it is (`context`, e.g. `totp:<user id>`)
 * as additional authenticated data: a ciphertext copied onto another row fails to decrypt.
 */
@Injectable()
export class EncryptionKeyring {
  constructor(@Inject(ENCRYPTION_KEYS) private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('the encryption keyring needs at least one key');
  }

  encrypt(plaintext: string, context: string): string {
    const current = this.current();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, current.id, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string, context: string): string {
    const [version, keyId, iv, ciphertext, tag, ...rest] = stored.split('.');
    if (version !== VERSION || !keyId || !iv || ciphertext === undefined || !tag || rest.length) {
      throw new Error('a stored secret is not in the v1 encrypted format');
    }
    const key = this.keys.find((candidate) => candidate.id === keyId);
    if (!key) {
      throw new Error(
        `a stored secret was encrypted with key "${keyId}", which AUTH_ENCRYPTION_KEYS no ` +
          'longer lists: add it back (after the current key) until everything is re-encrypted',
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** Encrypted with an older key: re-encrypt it when next read, so old keys can be retired. */
  isStale(stored: string): boolean {
    return stored.split('.')[1] !== this.current().id;
  }

  private current(): EncryptionKey {
    const [current] = this.keys;
    if (!current) throw new Error('the encryption keyring needs at least one key');
    return current;
  }
}
