import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { SERVICE_NAMES, perService } from '#atlas/contracts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#atlas/persistence';
import { testKafka, testPostgres, testRedis } from '#atlas/testing';
import { freePort } from '../../apps/embedded/src/free-port.js';
import {
  startDistributedPlatform,
  type DistributedPlatform,
} from '../../infra/local/distributed-platform.js';
import { orderJourney } from './order-journey.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from './platform-under-test.js';
import { sessionJourney } from './session-journey.js';

type Backend = Exclude<(typeof SERVICE_NAMES)[number], 'gateway'>;
const BACKENDS = SERVICE_NAMES.filter((name): name is Backend => name !== 'gateway');

/**
 * The same journey with every service in its own process (the built `dist/` apps, as in a
 * container), over real Kafka. Each run has its own databases and its own Kafka namespace, so
 * it shares the cluster with other runs without reading their messages.
 */
describe('the order journey in distributed mode (six processes, real Kafka)', () => {
  let platform: DistributedPlatform | undefined;
  const run = randomBytes(4).toString('hex');
  const databases: string[] = [];
  const embedded: EmbeddedPostgres[] = [];
  let adminUrl: URL | undefined;
  let kafkaBrokers: string[] = [];
  const namespace = `journey-${run}`;

  beforeAll(async () => {
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
    kafkaBrokers = kafka.brokers;
    const postgres = testPostgres();
    const databaseUrls = new Map<Backend, string>();
    if (postgres.kind === 'real') {
      adminUrl = new URL(postgres.url);
      for (const service of BACKENDS) {
        const url = new URL(postgres.url);
        url.pathname = `/atlas_journey_${run}_${service}`;
        databases.push(url.pathname.slice(1));
        databaseUrls.set(service, url.toString());
      }
    } else {
      for (const service of BACKENDS) {
        const db = await startEmbeddedPostgres();
        embedded.push(db);
        databaseUrls.set(service, db.url);
      }
    }
    const redis = testRedis();
    const ports: Record<string, number> = {};
    for (const name of SERVICE_NAMES) ports[name] = await freePort();

    platform = await startDistributedPlatform({
      databaseUrl: (service) => databaseUrls.get(service) ?? '',
      kafkaBrokers: kafka.brokers.join(','),
      ...(redis.kind === 'real' ? { redisUrl: redis.url } : {}),
      ports: perService((name) => ports[name] ?? 0),
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        KAFKA_NAMESPACE: namespace,
        CATALOG_SEED_DEMO: 'true',
        ...journeyAdminEnv,
        ...(postgres.kind === 'real' ? {} : { DATABASE_POOL_MAX: '1' }),
      },
      stdio: 'inherit',
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await Promise.all(embedded.map((db) => db.stop()));
    if (adminUrl && databases.length > 0) {
      const admin = new Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      for (const database of databases) {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }
      await admin.end();
    }
  });

  const underTest = () => {
    if (!platform) throw new Error('the platform did not start');
    return { gatewayUrl: platform.gatewayUrl, admin: JOURNEY_ADMIN };
  };
  orderJourney(underTest);
  sessionJourney(underTest);

  it('stops gracefully on SIGTERM: every process exits 0 and leaves its consumer group', async () => {
    if (!platform) throw new Error('the platform did not start');
    const exitCodes = await platform.stop();
    platform = undefined;
    expect(exitCodes).toEqual(perService(() => 0));

    const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const groups = BACKENDS.filter((service) => service !== 'auth').map(
        (service) => `${namespace}.atlas-${service}`,
      );
      const described = await admin.describeGroups(groups);
      expect(
        described.groups.map(({ groupId, members }) => ({ groupId, members: members.length })),
      ).toEqual(groups.map((groupId) => ({ groupId, members: 0 })));
    } finally {
      await admin.disconnect();
    }
  });
});
