import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { uniqueName, testRedis, freePort } from '#atlas/testing';
import { waitUntilReady } from '../../infra/local/distributed-platform.js';

export interface GatewayProcess {
  readonly url: string;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The built gateway as its own process, in front of whatever upstreams `env` names (real
 * processes the test started), with its rate-limit counters in the test Redis.
 */
export async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  if (!existsSync('dist/apps/gateway/src/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const redis = testRedis();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--import',
      resolve('dist/libs/observability/src/register.js'),
      resolve('dist/apps/gateway/src/main.js'),
    ],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
        ...(redis.kind === 'real'
          ? { ATLAS_CACHE: 'redis', REDIS_URL: redis.url, REDIS_NAMESPACE: uniqueName('gw') }
          : { ATLAS_CACHE: 'memory' }),
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    await waitUntilReady('gateway', child, url, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
