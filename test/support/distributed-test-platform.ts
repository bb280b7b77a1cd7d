import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#atlas/persistence';
import { testKafka, testPostgres, testRedis, freePort } from '#atlas/testing';
import {
  startDistributedPlatform,
  type DistributedPlatform,
} from '../../infra/local/distributed-platform.js';

type Backend = Exclude<ServiceName, 'gateway'>;
const BACKENDS = SERVICE_NAMES.filter((name): name is Backend => name !== 'gateway');

export interface DistributedTestPlatform {
  readonly platform: DistributedPlatform;
  /** The Kafka namespace of this run: topics and groups are `<namespace>.<name>`. */
  readonly namespace: string;
  readonly kafkaBrokers: readonly string[];
  /** Stops the processes (if still running) and drops this run's databases. */
  cleanUp(): Promise<void>;
}

/**
 * The distributed platform on the servers the test harness found: six processes from the
 * built `dist/`, their own databases (dropped afterwards) and their own Kafka namespace, so
 * several runs share the servers without seeing each other's data or messages.
 */
export async function startDistributedTestPlatform(
  env: NodeJS.ProcessEnv = {},
): Promise<DistributedTestPlatform> {
  if (!existsSync('dist/apps/gateway/src/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const kafka = testKafka();
  if (kafka.kind !== 'real') {
    throw new Error(
      `Distributed mode needs a real Kafka broker (${kafka.reason}). Start one with ` +
        '`npm run kafka:start`, or install Java 17 and Maven so the tests start one.',
    );
  }
  const run = randomBytes(4).toString('hex');
  const namespace = `run-${run}`;
  const postgres = testPostgres();
  const databases = new Map<Backend, string>();
  const embedded: EmbeddedPostgres[] = [];
  if (postgres.kind === 'real') {
    for (const service of BACKENDS) {
      const url = new URL(postgres.url);
      url.pathname = `/atlas_run_${run}_${service}`;
      databases.set(service, url.toString());
    }
  } else {
    for (const service of BACKENDS) {
      const db = await startEmbeddedPostgres();
      embedded.push(db);
      databases.set(service, db.url);
    }
  }
  const redis = testRedis();
  const ports = new Map<ServiceName, number>();
  for (const name of SERVICE_NAMES) ports.set(name, await freePort());

  const dropDatabases = async () => {
    await Promise.all(embedded.map((db) => db.stop()));
    if (postgres.kind !== 'real') return;
    const admin = new Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      for (const url of databases.values()) {
        await admin.query(
          `DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`,
        );
      }
    } finally {
      await admin.end();
    }
  };

  let platform: DistributedPlatform;
  try {
    platform = await startDistributedPlatform({
      databaseUrl: (service) => databases.get(service) ?? '',
      kafkaBrokers: kafka.brokers.join(','),
      ...(redis.kind === 'real' ? { redisUrl: redis.url } : {}),
      ports: perService((name) => ports.get(name) ?? 0),
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        KAFKA_NAMESPACE: namespace,
        // Keys and pub/sub channels too: cached product lists, rate limits and live updates
        // of runs sharing one Redis would otherwise be each other's.
        REDIS_NAMESPACE: namespace,
        CATALOG_SEED_DEMO: 'true',
        ...(postgres.kind === 'real' ? {} : { DATABASE_POOL_MAX: '1' }),
        ...env,
      },
      stdio: 'inherit',
    });
  } catch (error) {
    await dropDatabases();
    throw error;
  }
  return {
    platform,
    namespace,
    kafkaBrokers: kafka.brokers,
    async cleanUp() {
      await platform.stop();
      await dropDatabases();
    },
  };
}
