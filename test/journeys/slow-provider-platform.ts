import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';
import { testKafka, testPostgres, testRedis, freePort } from '#atlas/testing';
import {
  startDistributedPlatform,
  type DistributedPlatform,
} from '../../infra/local/distributed-platform.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from './platform-under-test.js';
import { slowProviderEnv } from './saga-journey.js';

type Backend = Exclude<ServiceName, 'gateway'>;

/** What the recovery journey reaches past the gateway: processes, databases, Kafka. */
export interface SlowProviderPlatform {
  readonly platform: DistributedPlatform;
  readonly gatewayUrl: string;
  readonly admin: typeof JOURNEY_ADMIN;
  databaseUrl(service: Backend): string;
  readonly namespace: string;
  readonly kafkaBrokers: readonly string[];
  cleanUp(): Promise<void>;
}

/**
 * The distributed platform with a payment provider that answers in an hour (slowProviderEnv),
 * on real PostgreSQL (its own databases, dropped afterwards) and real Kafka (its own
 * namespace). Real servers only: the recovery journey kills processes and opens their
 * databases, which an embedded fallback cannot stand in for.
 */
export async function startSlowProviderPlatform(): Promise<SlowProviderPlatform> {
  if (!existsSync('dist/apps/gateway/src/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const kafka = testKafka();
  const postgres = testPostgres();
  if (kafka.kind !== 'real' || postgres.kind !== 'real') {
    throw new Error(
      'The recovery journey needs real PostgreSQL and Kafka servers (see libs/testing/README.md)',
    );
  }
  const run = randomBytes(4).toString('hex');
  const namespace = `saga-${run}`;
  const databaseUrl = (service: Backend) => {
    const url = new URL(postgres.url);
    url.pathname = `/atlas_saga_${run}_${service}`;
    return url.toString();
  };
  const redis = testRedis();
  const ports = new Map<ServiceName, number>();
  for (const name of SERVICE_NAMES) ports.set(name, await freePort());

  const dropDatabases = async () => {
    const admin = new Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      for (const service of SERVICE_NAMES.filter((name): name is Backend => name !== 'gateway')) {
        await admin.query(
          `DROP DATABASE IF EXISTS "${new URL(databaseUrl(service)).pathname.slice(1)}" WITH (FORCE)`,
        );
      }
    } finally {
      await admin.end();
    }
  };

  let platform: DistributedPlatform;
  try {
    platform = await startDistributedPlatform({
      databaseUrl,
      kafkaBrokers: kafka.brokers.join(','),
      ...(redis.kind === 'real' ? { redisUrl: redis.url } : {}),
      ports: perService((name) => ports.get(name) ?? 0),
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        KAFKA_NAMESPACE: namespace,
        CATALOG_SEED_DEMO: 'false',
        ...journeyAdminEnv,
        ...slowProviderEnv,
      },
      stdio: 'inherit',
    });
  } catch (error) {
    await dropDatabases();
    throw error;
  }
  return {
    platform,
    gatewayUrl: platform.gatewayUrl,
    admin: JOURNEY_ADMIN,
    databaseUrl,
    namespace,
    kafkaBrokers: kafka.brokers,
    async cleanUp() {
      await platform.stop();
      await dropDatabases();
    },
  };
}
