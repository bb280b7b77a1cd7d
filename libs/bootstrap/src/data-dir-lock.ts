import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'atlas.lock';

/**
 * One process at a time in an embedded data directory: PGlite's files and the embedded
 * broker's logs would be corrupted by two writers. `npm start` holds it while it runs, and
 * the commands that open the same files (`npm run dlq` in embedded mode) take it too, so they
 * refuse to run next to a live platform instead of damaging it. A lock left by a process that
 * died is taken over.
 */
export function lockDataDir(dir: string, holder: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, holder });
  for (;;) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      const current = readHolder(path);
      if (current && current.pid !== process.pid && isAlive(current.pid)) {
        throw new Error(
          `${dir} is in use by ${current.holder} (process ${current.pid}): stop it first, ` +
            'since two processes writing the same embedded data would damage it',
          { cause: error },
        );
      }
      unlinkSync(path);
    }
  }
  return {
    release() {
      if (readHolder(path)?.pid === process.pid) unlinkSync(path);
    },
  };
}

function readHolder(path: string): { pid: number; holder: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed) {
      const holder = 'holder' in parsed ? String(parsed.holder) : 'another process';
      return { pid: Number(parsed.pid), holder };
    }
  } catch {
    // Missing or half-written: nobody holds it.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  // Not `instanceof Error`: Node's errors may come from another realm (vm, jest).
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
