import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * AUTH_ENCRYPTION_KEYS for a local run that was given none (`npm start`,
 * `npm run start:distributed`): a random key, kept in `<dataDir>/auth-encryption-keys`
 * (mode 600) next to the databases it protects, so secrets encrypted today still decrypt
 * after a restart. Without a folder (tests), a fresh key per run. Deployments set the
 * variable themselves, from a secret store.
 */
export async function localEncryptionKeys(dataDir?: string): Promise<string> {
  const fresh = `local:${randomBytes(32).toString('base64')}`;
  if (!dataDir) return fresh;
  const file = join(dataDir, 'auth-encryption-keys');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
  return fresh;
}
