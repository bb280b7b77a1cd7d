import { describe, expect, it, jest } from '@jest/globals';
import type { Answer } from './discover.js';
import { InfraUnavailableError } from './discover.js';
import type { InfraService } from './infra-target.js';
import type { Launcher, Probes } from './resolve-infrastructure.js';
import { resolveInfrastructure } from './resolve-infrastructure.js';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const LOCAL_KAFKA = '127.0.0.1:9092';
const EVERYTHING_LOCAL = [LOCAL_POSTGRES, LOCAL_REDIS, LOCAL_KAFKA];
const STARTED: Readonly<Record<InfraService, string>> = {
  postgres: 'postgres://postgres@127.0.0.1:15432/postgres',
  redis: 'redis://127.0.0.1:16379',
  kafka: '127.0.0.1:19092',
};

/**
 * Probes that find a server at exactly the given addresses, and a launcher whose starts work
 * except for the services given a reason to fail (what the infra/ script would say).
 */
function fakeInfra(
  addresses: readonly string[],
  failingStarts: Partial<Record<InfraService, string>> = {},
) {
  const probe = jest.fn(async (address: string): Promise<Answer> => {
    if (!addresses.includes(address)) throw new Error(`connect ECONNREFUSED ${address}`);
    return { address, version: 'test server' };
  });
  const start = jest.fn(async (service: InfraService): Promise<Answer> => {
    const reason = failingStarts[service];
    if (reason) throw new Error(reason);
    return { address: STARTED[service], version: 'started server' };
  });
  const stop = jest.fn(async (_service: InfraService, _address: string): Promise<void> => {});
  const probes: Probes = { postgres: probe, redis: probe, kafka: probe };
  const launcher: Launcher = { start, stop };
  return { probes, launcher, probe, start, stop };
}

const NO_JAVA = {
  postgres:
    'postgres.sh: the PostgreSQL binaries are not in the cache yet and Maven (mvn) is missing',
  redis: 'redis.sh: redis-server is not in the cache yet and Maven (mvn) is missing',
  kafka: 'kafka.sh: java is missing',
};

describe('resolveInfrastructure', () => {
  it('uses the addresses given in the environment before the usual local ports', async () => {
    const env = {
      ATLAS_TEST_DATABASE_URL: 'postgres://ci@db.internal:5432/ci',
      ATLAS_TEST_REDIS_URL: 'redis://cache.internal:6379',
      ATLAS_TEST_KAFKA_BROKERS: 'kafka-1.internal:9092,kafka-2.internal:9092',
    };
    const { probes, launcher, probe, start } = fakeInfra([
      ...Object.values(env),
      ...EVERYTHING_LOCAL,
    ]);

    const servers = await resolveInfrastructure(env, 'auto', probes, launcher);

    expect(servers.postgres).toMatchObject({
      kind: 'real',
      source: 'environment',
      address: env.ATLAS_TEST_DATABASE_URL,
    });
    expect(servers.redis).toMatchObject({
      kind: 'real',
      source: 'environment',
      address: env.ATLAS_TEST_REDIS_URL,
    });
    expect(servers.kafka).toMatchObject({
      kind: 'real',
      source: 'environment',
      address: env.ATLAS_TEST_KAFKA_BROKERS,
    });
    expect(probe).not.toHaveBeenCalledWith(LOCAL_POSTGRES);
    expect(start).not.toHaveBeenCalled();
  });

  it('finds servers on their usual local ports when the environment names none, and starts none', async () => {
    const { probes, launcher, start } = fakeInfra(EVERYTHING_LOCAL);

    const servers = await resolveInfrastructure({}, 'auto', probes, launcher);

    expect(servers.postgres).toMatchObject({
      kind: 'real',
      source: 'local-port',
      address: LOCAL_POSTGRES,
    });
    expect(servers.redis).toMatchObject({
      kind: 'real',
      source: 'local-port',
      address: LOCAL_REDIS,
    });
    expect(servers.kafka).toMatchObject({
      kind: 'real',
      source: 'local-port',
      address: LOCAL_KAFKA,
    });
    expect(start).not.toHaveBeenCalled();
  });

  it('starts PostgreSQL, Redis and Kafka from the Maven Central jars when none answered', async () => {
    const { probes, launcher, start } = fakeInfra([]);

    const servers = await resolveInfrastructure({}, 'auto', probes, launcher);

    expect(start.mock.calls).toEqual([['postgres'], ['redis'], ['kafka']]);
    for (const service of ['postgres', 'redis', 'kafka'] as const) {
      expect(servers[service]).toEqual({
        kind: 'real',
        source: 'started-by-tests',
        address: STARTED[service],
        version: 'started server',
      });
    }
  });

  it('starts only the servers that neither the environment nor the usual ports provide', async () => {
    const env = { ATLAS_TEST_KAFKA_BROKERS: 'kafka.internal:9092' };
    const { probes, launcher, start } = fakeInfra([LOCAL_POSTGRES, env.ATLAS_TEST_KAFKA_BROKERS]);

    const servers = await resolveInfrastructure(env, 'auto', probes, launcher);

    expect(start.mock.calls).toEqual([['redis']]);
    expect(servers.postgres).toMatchObject({ source: 'local-port' });
    expect(servers.redis).toMatchObject({ source: 'started-by-tests', address: STARTED.redis });
    expect(servers.kafka).toMatchObject({ source: 'environment' });
  });

  it('counts servers it started as real under ATLAS_TEST_INFRA=real', async () => {
    const { probes, launcher } = fakeInfra([]);

    const servers = await resolveInfrastructure({}, 'real', probes, launcher);

    expect(servers.postgres).toMatchObject({ kind: 'real', source: 'started-by-tests' });
    expect(servers.redis).toMatchObject({ kind: 'real', source: 'started-by-tests' });
    expect(servers.kafka).toMatchObject({ kind: 'real', source: 'started-by-tests' });
  });

  it('falls back to the embedded adapters, saying what it tried, when nothing answers or starts', async () => {
    const { probes, launcher } = fakeInfra([], NO_JAVA);

    const servers = await resolveInfrastructure({}, 'auto', probes, launcher);

    expect(servers.postgres).toEqual({
      kind: 'embedded',
      reason:
        `no postgres answered (${LOCAL_POSTGRES}: connect ECONNREFUSED ${LOCAL_POSTGRES}; ` +
        `a PostgreSQL server from Maven Central jars (infra/postgres/postgres.sh): ${NO_JAVA.postgres})`,
    });
    expect(servers.redis).toMatchObject({
      kind: 'embedded',
      reason: expect.stringContaining(`(infra/redis/redis.sh): ${NO_JAVA.redis}`),
    });
    expect(servers.kafka).toMatchObject({
      kind: 'embedded',
      reason: expect.stringContaining(`(infra/kafka/kafka.sh): ${NO_JAVA.kafka}`),
    });
  });

  it('fails instead of falling back under ATLAS_TEST_INFRA=real, naming every missing server, why it did not start, and how to provide it', async () => {
    const { probes, launcher } = fakeInfra([], NO_JAVA);

    const resolving = resolveInfrastructure({}, 'real', probes, launcher);

    await expect(resolving).rejects.toThrow(InfraUnavailableError);
    await expect(resolving).rejects.toThrow(
      /postgres: no postgres answered .*Maven \(mvn\) is missing.*npm run postgres:start/,
    );
    // A run that already fails starts nothing more, so Redis and Kafka say only that they are missing.
    await expect(resolving).rejects.toThrow(/redis: no redis answered .*npm run redis:start/);
    await expect(resolving).rejects.toThrow(/kafka: no kafka answered .*npm run kafka:start/);
  });

  it('starts nothing more once a run fails under ATLAS_TEST_INFRA=real', async () => {
    const { probes, launcher, start } = fakeInfra([LOCAL_POSTGRES], { redis: NO_JAVA.redis });

    await expect(resolveInfrastructure({}, 'real', probes, launcher)).rejects.toThrow(/redis/);

    expect(start.mock.calls).toEqual([['redis']]);
  });

  it('stops the servers it started when the run fails after all', async () => {
    const { probes, launcher, stop } = fakeInfra([]);
    const env = { ATLAS_TEST_KAFKA_BROKERS: 'kafka.internal:9092' };

    await expect(resolveInfrastructure(env, 'auto', probes, launcher)).rejects.toThrow(
      'kafka: ATLAS_TEST_KAFKA_BROKERS',
    );

    expect(stop.mock.calls).toEqual([
      ['postgres', STARTED.postgres],
      ['redis', STARTED.redis],
    ]);
  });

  it('fails, even in auto mode, when an address given in the environment does not answer, and starts no server in its place', async () => {
    // Nothing on 6379 either, and starts would work: still the run fails, naming the typo.
    const { probes, launcher, start } = fakeInfra([LOCAL_POSTGRES, LOCAL_KAFKA]);
    const env = { ATLAS_TEST_REDIS_URL: 'redis://typo.internal:6379' };

    await expect(resolveInfrastructure(env, 'auto', probes, launcher)).rejects.toThrow(
      'redis: ATLAS_TEST_REDIS_URL: connect ECONNREFUSED redis://typo.internal:6379. Start that server, or unset ATLAS_TEST_REDIS_URL',
    );
    expect(start).not.toHaveBeenCalled();
  });
});
