import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Answer } from './discover.js';
import { startTestServer, stopTestServer } from './server-launcher.js';

/**
 * A stand-in for infra/redis/redis.sh in a scratch repository: it records each call and says
 * what the real script says. `startSays` replaces its answer to `start`; `fails` makes `start` fail.
 */
function fakeRedisScript(rootDir: string, options: { startSays?: string; fails?: string } = {}) {
  const path = join(rootDir, 'infra', 'redis', 'redis.sh');
  mkdirSync(join(rootDir, 'infra', 'redis'), { recursive: true });
  const startSays =
    options.startSays ??
    'Redis 6.2.11 started on 127.0.0.1:$REDIS_PORT in 0s (pid 1, $REDIS_DATA_DIR)';
  writeFileSync(
    path,
    [
      '#!/usr/bin/env bash',
      `echo "$1 $REDIS_PORT $REDIS_DATA_DIR" >>"${join(rootDir, 'calls.log')}"`,
      options.fails
        ? `[[ "$1" == start ]] && { echo "redis.sh: ${options.fails}" >&2; exit 1; }`
        : '',
      `[[ "$1" == start ]] && echo "${startSays}"`,
      'exit 0',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return {
    calls: (): string[] => {
      const log = join(rootDir, 'calls.log');
      return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    },
  };
}

const answering = jest.fn(async (address: string): Promise<Answer> => ({
  address,
  version: 'Redis 6.2.11',
}));

describe('startTestServer and stopTestServer', () => {
  let rootDir: string;

  beforeEach(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'atlas-launcher-'));
    answering.mockClear();
    // "Starting a Redis server…" in a test log would read as if a real one had started.
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(rootDir, { recursive: true, force: true });
  });

  it('start a server with its script on a free test port, in a data folder named for the port and this run', async () => {
    const script = fakeRedisScript(rootDir);

    const answer = await startTestServer(rootDir, 'redis', answering);

    const port = Number(/:(\d+)$/.exec(answer.address)?.[1]);
    expect(port).toBeGreaterThanOrEqual(16379);
    const dataDir = join(rootDir, '.atlas', `test-redis-${port}-${process.pid}`);
    expect(script.calls()).toEqual([`start ${port} ${dataDir}`]);
    expect(existsSync(dataDir)).toBe(true);
    expect(answering).toHaveBeenCalledWith(`redis://127.0.0.1:${port}`);
    expect(answer.version).toMatch(/^Redis 6\.2\.11, started in \d+\.\ds$/);
  });

  it('stop the server they started and remove its data folder', async () => {
    const script = fakeRedisScript(rootDir);
    const { address } = await startTestServer(rootDir, 'redis', answering);
    const port = Number(new URL(address).port);
    const dataDir = join(rootDir, '.atlas', `test-redis-${port}-${process.pid}`);

    await stopTestServer(rootDir, 'redis', address);

    expect(script.calls()).toEqual([`start ${port} ${dataDir}`, `stop ${port} ${dataDir}`]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuse a server that was already running: it is not theirs to use or stop', async () => {
    const script = fakeRedisScript(rootDir, {
      startSays:
        'Redis already running on 127.0.0.1:$REDIS_PORT (pid 7, started from another folder)',
    });

    await expect(startTestServer(rootDir, 'redis', answering)).rejects.toThrow(
      /infra\/redis\/redis\.sh did not start a server of its own on port \d+: Redis already running/,
    );
    // The only stop names its own new folder (so it reaches no other server), which is removed.
    const [start = '', ...rest] = script.calls();
    const ownDir = start.split(' ')[2] ?? '';
    expect(ownDir).toMatch(new RegExp(`test-redis-\\d+-${process.pid}$`));
    expect(rest).toEqual([start.replace(/^start/, 'stop')]);
    expect(existsSync(ownDir)).toBe(false);
  });

  it('pass on what the script says when it cannot start a server', async () => {
    fakeRedisScript(rootDir, { fails: 'Maven (mvn) is missing: install Maven and a JDK' });

    await expect(startTestServer(rootDir, 'redis', answering)).rejects.toThrow(
      'infra/redis/redis.sh start failed: redis.sh: Maven (mvn) is missing: install Maven and a JDK',
    );
    expect(existsSync(join(rootDir, '.atlas'))).toBe(true);
    expect(readdirSync(join(rootDir, '.atlas'))).toEqual([]);
  });

  it('stop a server that started but does not answer, so that none is left behind', async () => {
    const script = fakeRedisScript(rootDir);
    const silent = async (): Promise<Answer> => {
      throw new Error('connect ECONNREFUSED');
    };

    await expect(startTestServer(rootDir, 'redis', silent)).rejects.toThrow('ECONNREFUSED');

    const [start, stop] = script.calls();
    expect(stop).toBe(start?.replace(/^start/, 'stop'));
  });

  it('stop the servers of a run that is gone before starting one, and leave those of runs still going', async () => {
    const script = fakeRedisScript(rootDir);
    const gone = spawnSync('true').pid;
    const orphan = join(rootDir, '.atlas', `test-redis-16500-${gone}`);
    const running = join(rootDir, '.atlas', `test-redis-16501-${process.ppid}`);
    mkdirSync(orphan, { recursive: true });
    mkdirSync(running, { recursive: true });

    await startTestServer(rootDir, 'redis', answering);

    expect(script.calls()[0]).toBe(`stop 16500 ${orphan}`);
    expect(script.calls().some((call) => call.includes(running))).toBe(false);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(running)).toBe(true);
  });
});
