import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';

export interface DistributedPlatformOptions {
  /** Each service's own database, e.g. `postgres://postgres@127.0.0.1:5432/atlas_orders`. */
  readonly databaseUrl: (service: Exclude<ServiceName, 'gateway'>) => string;
  readonly kafkaBrokers: string;
  /**
   * Redis for session revocations (every app), rate limits and caches. Without it each process
   * keeps its own memory: a logout then does not reach the other processes' token checks.
   */
  readonly redisUrl?: string;
  /** Ports per service; defaults 3000 (gateway) to 3005. */
  readonly ports?: Partial<Record<ServiceName, number>>;
  /** Extra variables for every process (LOG_LEVEL, KAFKA_NAMESPACE, ...). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where each process's output goes; inherits this process's by default. */
  readonly stdio?: 'inherit' | 'ignore' | 'pipe';
  /** With `stdio: 'pipe'`: every chunk each process writes, from its first line. */
  readonly onOutput?: (service: ServiceName, chunk: string) => void;
  readonly readyTimeoutMs?: number;
  /** Extra Node.js options for every service process, e.g. `--cpu-prof` to profile them. */
  readonly nodeArgs?: readonly string[];
}

export interface DistributedPlatform {
  readonly gatewayUrl: string;
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly processes: ReadonlyMap<ServiceName, ChildProcess>;
  /** SIGTERM to each process, gateway first; resolves with each one's exit code. */
  stop(): Promise<Partial<Record<ServiceName, number | null>>>;
  /**
   * Starts a service again with the same environment (after a test killed it), and resolves
   * once it is ready; `processes` then holds the new process.
   */
  restart(name: ServiceName): Promise<ChildProcess>;
  /**
   * Starts one more replica of a service on another port, with `env` on top of the platform's
   * (to try a setting on one replica, say); the caller stops it.
   */
  startReplica(name: ServiceName, port: number, env?: NodeJS.ProcessEnv): Promise<ChildProcess>;
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
  // The simulated payment provider (in payments) calls back through the gateway's public URL,
  // signing with the secret payments verifies: one per run unless the environment sets it.
  const payments: NodeJS.ProcessEnv = {
    PAYMENT_PROVIDER_WEBHOOK_URL: `${urls.gateway}/v1/payments/provider-webhook`,
    PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
  };
  // auth encrypts its signing keys and TOTP secrets with this; a run without one of its own
  // (tests, with fresh databases) gets a random key.
  const auth: NodeJS.ProcessEnv = {
    AUTH_ENCRYPTION_KEYS: `run:${randomBytes(32).toString('base64')}`,
    // The gateway, on this machine, passes the client's address in X-Forwarded-For.
    TRUSTED_PROXIES: '127.0.0.1',
  };
  const envFor = (name: ServiceName): NodeJS.ProcessEnv => ({
    ...(name === 'payments' ? payments : {}),
    ...(name === 'auth' ? auth : {}),
    ...process.env,
    ...options.env,
    // Every app checks access tokens against the session revocations in Redis.
    ...cache,
    HOST: '127.0.0.1',
    PORT: String(ports[name]),
    OTEL_SERVICE_NAME: `atlas-${name}`,
    ...(name === 'gateway'
      ? {
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
    AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json`,
  });

  const launch = async (
    name: ServiceName,
    port = ports[name],
    env: NodeJS.ProcessEnv = {},
  ): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      [
        // kafkajs 2.2.4 arms an idle timer with a negative delay, which Node has always run
        // after 1 ms; Node 24 also prints a warning for it. Behaviour is unchanged.
        '--disable-warning=TimeoutNegativeWarning',
        '--enable-source-maps',
        ...(options.nodeArgs ?? []),
        '--import',
        resolve('dist/libs/observability/src/register.js'),
        resolve(`dist/apps/${name}/src/main.js`),
      ],
      { env: { ...envFor(name), ...env, PORT: String(port) }, stdio: options.stdio ?? 'inherit' },
    );
    const onOutput = options.onOutput;
    if (onOutput) {
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding('utf8').on('data', (chunk: string) => onOutput(name, chunk));
      }
    }
    try {
      await waitUntilReady(
        name,
        child,
        `http://127.0.0.1:${port}`,
        options.readyTimeoutMs ?? 90_000,
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return child;
  };

  try {
    // One by one, in SERVICE_NAMES order; a process that fails to get ready is killed by launch.
    for (const name of SERVICE_NAMES) processes.set(name, await launch(name));
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async (name: ServiceName) => {
    const child = await launch(name);
    processes.set(name, child);
    return child;
  };
  return {
    gatewayUrl: urls.gateway,
    urls,
    processes,
    stop,
    restart,
    startReplica: (name, port, env) => launch(name, port, env),
  };
}

export async function waitUntilReady(
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
