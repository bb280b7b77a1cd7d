import { z } from 'zod';
import { envVar, localEncryptionKeys, parseConfig } from '#atlas/config';
import { startDistributedPlatform } from './distributed-platform.js';

/**
 * `npm run start:distributed`: each service as its own process against the PostgreSQL,
 * Kafka and Redis named in the environment (or in .env, see .env.example).
 */
const config = parseConfig(
  'start:distributed',
  z.object({
    ATLAS_POSTGRES_URL: envVar
      .url('postgres://postgres@127.0.0.1:5432', ['postgres', 'postgresql'])
      .default('postgres://postgres@127.0.0.1:5432'),
    KAFKA_BROKERS: envVar.text('127.0.0.1:9092').default('127.0.0.1:9092'),
    REDIS_URL: envVar
      .url('redis://127.0.0.1:6379', ['redis', 'rediss'])
      .default('redis://127.0.0.1:6379'),
  }),
  process.env,
);

const server = config.ATLAS_POSTGRES_URL.replace(/\/+$/, '');
const platform = await startDistributedPlatform({
  databaseUrl: (service) => `${server}/atlas_${service}`,
  kafkaBrokers: config.KAFKA_BROKERS,
  redisUrl: config.REDIS_URL,
  env: {
    // Secrets at rest in atlas_auth need the same key at every start: .env, or a local file.
    AUTH_ENCRYPTION_KEYS:
      process.env.AUTH_ENCRYPTION_KEYS ?? (await localEncryptionKeys('.atlas/distributed')),
  },
}).catch((error: unknown) => {
  process.stderr.write(
    `Atlas could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

process.stdout.write(
  `\nAtlas is running in distributed mode: gateway ${platform.gatewayUrl}, docs ${platform.gatewayUrl}/docs\nPress Ctrl+C to stop.\n`,
);
const stop = async () => {
  await platform.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
