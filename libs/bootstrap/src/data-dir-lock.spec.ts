import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-lock-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lockDataDir', () => {
  it('refuses a data directory another live process holds, naming it', () => {
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(
      join(dir, 'atlas.lock'),
      JSON.stringify({ pid: process.ppid, holder: 'npm start' }),
    );
    expect(() => lockDataDir(dir, 'npm run dlq')).toThrow(
      new RegExp(`in use by npm start \\(process ${process.ppid}\\): stop it first`),
    );
  });

  it('takes over the lock of a process that died', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'atlas.lock'), JSON.stringify({ pid: dead, holder: 'npm start' }));
    const lock = lockDataDir(dir, 'npm run dlq');
    expect(JSON.parse(readFileSync(join(dir, 'atlas.lock'), 'utf8'))).toEqual({
      pid: process.pid,
      holder: 'npm run dlq',
    });
    lock.release();
    expect(existsSync(join(dir, 'atlas.lock'))).toBe(false);
  });

  it('is free again once released', () => {
    lockDataDir(dir, 'npm start').release();
    expect(() => lockDataDir(dir, 'npm run dlq').release()).not.toThrow();
  });
});
