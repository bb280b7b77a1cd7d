import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authApp } from '../../auth/src/auth.app.js';
import { catalogApp } from '../../catalog/src/catalog.app.js';
import { gatewayApp } from '../../gateway/src/gateway.app.js';
import { notificationsApp } from '../../notifications/src/notifications.app.js';
import { ordersApp } from '../../orders/src/orders.app.js';
import { paymentsApp } from '../../payments/src/payments.app.js';
import {
  lockDataDir,
  startService,
  type HostedConfig,
  type RunningService,
  type ServiceDefinition,
} from '#atlas/bootstrap';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';
import { localEncryptionKeys, type Env } from '#atlas/config';
import { EmbeddedBroker } from '#atlas/messaging';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#atlas/persistence';
import type { DestinationStream } from 'pino';
import { freePort } from './free-port.js';

export type BackendName = Exclude<ServiceName, 'gateway'>;

const BACKENDS: readonly BackendName[] = ['auth', 'catalog', 'orders', 'payments', 'notifications'];

export interface EmbeddedPlatformOptions {
  /** Passed to every app (LOG_LEVEL, ATLAS_ADMIN_EMAIL, CATALOG_SEED_DEMO, ...). */
  readonly env?: Env;
  /** Folder for PGlite data and the broker's log; in memory when omitted. */
  readonly dataDir?: string;
  /** The gateway's port; the services take the five after it. `'random'` picks free ports. */
  readonly gatewayPort?: number | 'random';
  readonly logDestination?: DestinationStream;
}

export interface EmbeddedPlatform {
  readonly gatewayUrl: string;
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly broker: EmbeddedBroker;
  stop(): Promise<void>;
}

/**
 * Embedded mode: all six services in this process, each its own Nest application on its own
 * port, with a PGlite database per service, one in-process broker with Kafka's semantics, and
 * in-memory cache and rate-limit stores. The services' code is exactly what runs in
 * production; only the adapters differ, chosen through the same environment variables.
 */
export async function startEmbeddedPlatform(
  options: EmbeddedPlatformOptions = {},
): Promise<EmbeddedPlatform> {
  const host = '127.0.0.1';
  let urls: Readonly<Record<ServiceName, string>> | undefined;

  // Taken first: a second platform (or `npm run dlq`) on the same files would damage them.
  const lock = options.dataDir ? lockDataDir(options.dataDir, 'npm start') : undefined;
  const databases = new Map<BackendName, EmbeddedPostgres>();
  const running: RunningService[] = [];
  // Product images: beside the data, or (a run without a data folder) in a folder of its own.
  let imagesOfThisRun: string | undefined;
  const broker = new EmbeddedBroker(
    options.dataDir ? { dataDir: join(options.dataDir, 'broker') } : {},
  );

  const stop = async () => {
    // The edge first, so no new work arrives; then the services; then their databases.
    for (const service of running.toReversed()) await service.close().catch(() => undefined);
    await Promise.all([...databases.values()].map((db) => db.stop().catch(() => undefined)));
    await broker.close();
    if (imagesOfThisRun) await rm(imagesOfThisRun, { recursive: true, force: true });
    lock?.release();
  };

  try {
    // PGlite runs on this JS thread, so starting the five together is no faster than one by
    // one (measured: 15.7 s against 15.5 s for five new databases); one by one keeps it simple.
    for (const name of BACKENDS) {
      const db = await startEmbeddedPostgres(
        options.dataDir ? { dataDir: join(options.dataDir, name) } : {},
      );
      databases.set(name, db);
    }
    // Random ports are chosen only now, right before the services listen: chosen before the
    // databases' start (seconds), a port had time to become another process's outgoing
    // connection's local port, and the service's listen failed with EADDRINUSE.
    const ports = await choosePorts(options.gatewayPort ?? 3000);
    const serviceUrls = perService((name) => `http://${host}:${ports[name]}`);
    urls = serviceUrls;

    const common: Env = {
      ...options.env,
      HOST: host,
      ATLAS_BROKER: 'embedded',
      ATLAS_CACHE: 'memory',
      DATABASE_POOL_MAX: '1',
      AUTH_JWKS_URL: `${serviceUrls.auth}/.well-known/jwks.json`,
    };
    // The simulated payment provider calls back through the gateway, signing with a secret
    // it shares with payments; both live in this process, so a fresh one per run will do.
    const payments: Env = {
      PAYMENT_PROVIDER_WEBHOOK_URL: `${serviceUrls.gateway}/v1/payments/provider-webhook`,
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      ...options.env,
    };
    // auth's encryption key for secrets at rest: beside the data it protects, or per run.
    const auth: Env = {
      AUTH_ENCRYPTION_KEYS: await localEncryptionKeys(options.dataDir),
      // The gateway, in this process, passes the client's address in X-Forwarded-For.
      TRUSTED_PROXIES: host,
      ...options.env,
    };
    if (!options.dataDir) imagesOfThisRun = await mkdtemp(join(tmpdir(), 'atlas-images-'));
    const catalog: Env = {
      CATALOG_IMAGE_DIR: imagesOfThisRun ?? join(options.dataDir ?? '', 'images'),
      ...options.env,
    };
    const envFor = (name: ServiceName): Env => ({
      ...common,
      ...(name === 'catalog' ? catalog : {}),
      ...(name === 'auth' ? auth : {}),
      ...(name === 'payments' ? payments : {}),
      PORT: String(ports[name]),
      ...(name === 'gateway' ? {} : { DATABASE_URL: databases.get(name)?.url }),
      ...(name === 'gateway'
        ? {
            AUTH_URL: serviceUrls.auth,
            CATALOG_URL: serviceUrls.catalog,
            ORDERS_URL: serviceUrls.orders,
            PAYMENTS_URL: serviceUrls.payments,
            NOTIFICATIONS_URL: serviceUrls.notifications,
          }
        : {}),
    });
    const start = async <Config extends HostedConfig>(definition: ServiceDefinition<Config>) => {
      const service = await startService(definition, {
        env: envFor(definition.name),
        broker,
        ...(options.logDestination ? { logDestination: options.logDestination } : {}),
      });
      running.push(service);
    };

    // Auth first: every other service verifies tokens with its keys.
    await start(authApp);
    await start(catalogApp);
    await start(ordersApp);
    await start(paymentsApp);
    await start(notificationsApp);
    await start(gatewayApp);
  } catch (error) {
    await stop();
    throw error;
  }

  if (!urls) throw new Error('the embedded platform started without ports');
  return { gatewayUrl: urls.gateway, urls, broker, stop };
}

async function choosePorts(gatewayPort: number | 'random'): Promise<Record<ServiceName, number>> {
  if (gatewayPort !== 'random') {
    const offsets = perService((name) => ['gateway', ...BACKENDS].indexOf(name));
    return perService((name) => gatewayPort + offsets[name]);
  }
  const free = new Map<ServiceName, number>();
  for (const name of SERVICE_NAMES) free.set(name, await freePort());
  return perService((name) => free.get(name) ?? 0);
}
