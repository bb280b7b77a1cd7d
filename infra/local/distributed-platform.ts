import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';

export interface DistributedPlatformOptions {
  /** Each service's own database, e.g. `postgres://postgres@127.0.0.1:5432/atlas_orders`. */
  readonly databaseUrl: (service: Exclude<ServiceName, 'gateway'>) => string;
  readonly kafkaBrokers: string;
  /** Redis for the gateway's rate limits and the catalog's cache; in-process memory without it. */
  readonly redisUrl?: string;
  /** Ports per service; defaults 3000 (gateway) to 3005. */
  readonly ports?: Partial<Record<ServiceName, number>>;
  /** Extra variables for every process (LOG_LEVEL, KAFKA_NAMESPACE, ...). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where each process's output goes; inherits this process's by default. */
  readonly stdio?: 'inherit' | 'ignore' | 'pipe';
  readonly readyTimeoutMs?: number;
}

export interface DistributedPlatform {
  readonly gatewayUrl: string;
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly processes: ReadonlyMap<ServiceName, ChildProcess>;
  /** SIGTERM to each process, gateway first; resolves with each one's exit code. */
  stop(): Promise<Partial<Record<ServiceName, number | null>>>;
}

const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 3000,
  auth: 3001,
  catalog: 3002,
  orders: 3003,
  payments: 3004,
  notifications: 3005,
};

/**
 * Distributed mode without containers: every service is its own Node process running the
 * built app (`dist/`), against real PostgreSQL, Kafka and Redis. This is what
 * `npm run start:distributed` runs and what the distributed journey test starts.
 */
export async function startDistributedPlatform(
  options: DistributedPlatformOptions,
): Promise<DistributedPlatform> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const urls = perService((name) => `http://127.0.0.1:${ports[name]}`);
  const processes = new Map<ServiceName, ChildProcess>();

  const stop = async () => {
    const exitCodes: Partial<Record<ServiceName, number | null>> = {};
    for (const name of SERVICE_NAMES.toReversed()) {
      const child = processes.get(name);
      if (!child) continue;
      if (child.exitCode !== null || child.signalCode !== null) {
        exitCodes[name] = child.exitCode;
        continue;
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      // The apps give up on their own shutdown after 30 s; this is the backstop after that.
      const backstop = setTimeout(() => child.kill('SIGKILL'), 35_000);
      await exited;
      clearTimeout(backstop);
      exitCodes[name] = child.exitCode;
    }
    return exitCodes;
  };

  const cache: NodeJS.ProcessEnv = options.redisUrl
    ? { ATLAS_CACHE: 'redis', REDIS_URL: options.redisUrl }
    : { ATLAS_CACHE: 'memory' };
  const envFor = (name: ServiceName): NodeJS.ProcessEnv => ({
    ...process.env,
    ...options.env,
    HOST: '127.0.0.1',
    PORT: String(ports[name]),
    OTEL_SERVICE_NAME: `atlas-${name}`,
    ...(name === 'gateway'
      ? {
          ...cache,
          AUTH_URL: urls.auth,
          CATALOG_URL: urls.catalog,
          ORDERS_URL: urls.orders,
          PAYMENTS_URL: urls.payments,
          NOTIFICATIONS_URL: urls.notifications,
        }
      : {
          DATABASE_URL: options.databaseUrl(name),
          KAFKA_BROKERS: options.kafkaBrokers,
        }),
    ...(name === 'catalog' ? cache : {}),
    AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json`,
  });

  try {
    for (const name of SERVICE_NAMES) {
      const child = spawn(
        process.execPath,
        [
          // kafkajs 2.2.4 arms an idle timer with a negative delay, which Node has always run
          // after 1 ms; Node 24 also prints a warning for it. Behaviour is unchanged.
          '--disable-warning=TimeoutNegativeWarning',
          '--enable-source-maps',
          '--import',
          resolve('dist/libs/observability/src/register.js'),
          resolve(`dist/apps/${name}/src/main.js`),
        ],
        { env: envFor(name), stdio: options.stdio ?? 'inherit' },
      );
      processes.set(name, child);
      await waitUntilReady(name, child, urls[name], options.readyTimeoutMs ?? 90_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { gatewayUrl: urls.gateway, urls, processes, stop };
}

async function waitUntilReady(
  name: ServiceName,
  child: ChildProcess,
  url: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`${name} was not ready at ${url}/health/ready within ${timeoutMs} ms`);
}
