import { describe, expect, it, jest } from '@jest/globals';
import type { Answer } from './discover.js';
import { InfraUnavailableError } from './discover.js';
import type { Probes } from './resolve-infrastructure.js';
import { resolveInfrastructure } from './resolve-infrastructure.js';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const LOCAL_KAFKA = '127.0.0.1:9092';
const EVERYTHING_LOCAL = [LOCAL_POSTGRES, LOCAL_REDIS, LOCAL_KAFKA];

/** Probes that find a server at exactly the given addresses, and a broker start that works or not. */
function probesAnswering(addresses: readonly string[], brokerStarts = true) {
  const probe = jest.fn(async (address: string): Promise<Answer> => {
    if (!addresses.includes(address)) throw new Error(`connect ECONNREFUSED ${address}`);
    return { address, version: 'test server' };
  });
  const startKafka = jest.fn(async (): Promise<Answer> => {
    if (!brokerStarts) throw new Error('java is missing');
    return { address: '127.0.0.1:19092', version: 'started broker' };
  });
  const probes: Probes = { postgres: probe, redis: probe, kafka: probe, startKafka };
  return { probes, probe, startKafka };
}

describe('resolveInfrastructure', () => {
  it('uses the addresses given in the environment before the usual local ports', async () => {
    const env = {
      ATLAS_TEST_DATABASE_URL: 'postgres://ci@db.internal:5432/ci',
      ATLAS_TEST_REDIS_URL: 'redis://cache.internal:6379',
      ATLAS_TEST_KAFKA_BROKERS: 'kafka-1.internal:9092,kafka-2.internal:9092',
    };
    const { probes, probe } = probesAnswering([...Object.values(env), ...EVERYTHING_LOCAL]);

    const servers = await resolveInfrastructure(env, 'auto', probes);

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
  });

  it('finds servers on their usual local ports when the environment names none', async () => {
    const { probes, startKafka } = probesAnswering(EVERYTHING_LOCAL);

    const servers = await resolveInfrastructure({}, 'auto', probes);

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
    expect(startKafka).not.toHaveBeenCalled();
  });

  it('starts a Kafka broker only when none is given or listening on 9092', async () => {
    const { probes, startKafka } = probesAnswering([LOCAL_POSTGRES, LOCAL_REDIS]);

    const servers = await resolveInfrastructure({}, 'auto', probes);

    expect(startKafka).toHaveBeenCalledTimes(1);
    expect(servers.kafka).toMatchObject({
      kind: 'real',
      source: 'started-by-tests',
      address: '127.0.0.1:19092',
    });
  });

  it('falls back to the embedded adapters, saying what it tried, when nothing answers', async () => {
    const { probes } = probesAnswering([], false);

    const servers = await resolveInfrastructure({}, 'auto', probes);

    expect(servers.postgres).toEqual({
      kind: 'embedded',
      reason: `no postgres answered (${LOCAL_POSTGRES}: connect ECONNREFUSED ${LOCAL_POSTGRES})`,
    });
    expect(servers.redis).toMatchObject({ kind: 'embedded' });
    expect(servers.kafka).toMatchObject({
      kind: 'embedded',
      reason: expect.stringContaining('infra/kafka/kafka.sh): java is missing'),
    });
  });

  it('fails instead of falling back under ATLAS_TEST_INFRA=real, naming every missing server and how to provide it', async () => {
    const { probes } = probesAnswering([LOCAL_POSTGRES], false);

    const resolving = resolveInfrastructure({}, 'real', probes);

    await expect(resolving).rejects.toThrow(InfraUnavailableError);
    await expect(resolving).rejects.toThrow(/redis: no redis answered .*set ATLAS_TEST_REDIS_URL/);
    await expect(resolving).rejects.toThrow(/kafka: no kafka answered .*npm run kafka:start/);
  });

  it('does not start a broker for a run that already fails under ATLAS_TEST_INFRA=real', async () => {
    const { probes, startKafka } = probesAnswering([LOCAL_POSTGRES]);

    await expect(resolveInfrastructure({}, 'real', probes)).rejects.toThrow(/redis/);

    expect(startKafka).not.toHaveBeenCalled();
  });

  it('fails, even in auto mode, when an address given in the environment does not answer', async () => {
    const { probes } = probesAnswering(EVERYTHING_LOCAL);
    const env = { ATLAS_TEST_REDIS_URL: 'redis://typo.internal:6379' };

    await expect(resolveInfrastructure(env, 'auto', probes)).rejects.toThrow(
      'redis: ATLAS_TEST_REDIS_URL: connect ECONNREFUSED redis://typo.internal:6379. Start that server, or unset ATLAS_TEST_REDIS_URL',
    );
  });
});
