import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { Client } from 'pg';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';
import { freePort } from '../../apps/embedded/src/free-port.js';
import {
  startDistributedPlatform,
  type DistributedPlatform,
} from '../../infra/local/distributed-platform.js';

export interface BenchPlatform {
  readonly platform: DistributedPlatform;
  readonly ports: Readonly<Record<ServiceName, number>>;
  /** The run's name: its Kafka and Redis namespace, and in its database names. */
  readonly run: string;
  /** Stops the processes, drops the run's databases and deletes its Kafka topics. */
  cleanUp(): Promise<void>;
}

/**
 * The built distributed platform for a benchmark, on the machine's servers (ATLAS_POSTGRES_URL,
 * KAFKA_BROKERS, REDIS_URL as for start:distributed), with databases, a Kafka namespace and a
 * Redis namespace of its own that are removed afterwards.
 */
export async function startBenchPlatform(env: NodeJS.ProcessEnv): Promise<BenchPlatform> {
  const run = `bench_${randomBytes(4).toString('hex')}`;
  const postgres = (process.env.ATLAS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(
    /\/+$/,
    '',
  );
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const databaseName = (service: string) => `atlas_${run}_${service}`;
  const portList = new Map<ServiceName, number>();
  for (const name of SERVICE_NAMES) portList.set(name, await freePort());
  const ports = perService((name) => portList.get(name) ?? 0);
  const platform = await startDistributedPlatform({
    databaseUrl: (service) => `${postgres}/${databaseName(service)}`,
    kafkaBrokers: brokers,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ports,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      KAFKA_NAMESPACE: run,
      REDIS_NAMESPACE: run,
      CATALOG_SEED_DEMO: 'false',
      ...env,
      // BENCH_SERVICE_ENV='{"OTEL_SDK_DISABLED":"true"}' tries a setting on every service.
      ...serviceEnv(),
    },
    stdio: process.env.BENCH_VERBOSE === 'true' ? 'inherit' : 'ignore',
    // BENCH_PROFILE_DIR=/tmp/prof writes one V8 CPU profile per service when it stops.
    ...(process.env.BENCH_PROFILE_DIR
      ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] }
      : {}),
  });
  const cleanUp = async () => {
    await platform.stop();
    const admin = new Client({ connectionString: `${postgres}/postgres` });
    await admin.connect();
    try {
      for (const service of SERVICE_NAMES.filter((name) => name !== 'gateway')) {
        await admin.query(`DROP DATABASE IF EXISTS "${databaseName(service)}" WITH (FORCE)`);
      }
    } finally {
      await admin.end();
    }
    const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    try {
      const topics = (await kafka.listTopics()).filter((topic) => topic.startsWith(`${run}.`));
      if (topics.length > 0) await kafka.deleteTopics({ topics });
    } finally {
      await kafka.disconnect();
    }
  };
  return { platform, ports, run, cleanUp };
}

function serviceEnv(): Record<string, string> {
  const text = process.env.BENCH_SERVICE_ENV;
  return text ? z.record(z.string(), z.string()).parse(JSON.parse(text)) : {};
}
