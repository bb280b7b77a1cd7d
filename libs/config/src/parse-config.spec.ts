import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { envVar } from './env-schemas.js';
import { parseConfig } from './parse-config.js';
import {
  brokerEnv,
  brokerSettings,
  cacheEnv,
  evenWithOtherProblems,
  requireAdapterAddresses,
  serviceEnv,
  serviceSettings,
} from './service-settings.js';

const schema = z
  .object({ ...serviceEnv(3003), ...brokerEnv, ...cacheEnv })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies defaults and coerces types', () => {
    const env = parseConfig('orders', schema, {
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(serviceSettings(env)).toEqual({
      nodeEnv: 'development',
      http: { host: '127.0.0.1', port: 3003 },
      logLevel: 'info',
      shutdownDrainMs: 0,
      requestLog: { all: false, slowMs: 1_000 },
    });
    expect(brokerSettings(env)).toEqual({
      kind: 'kafka',
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
    });
    const namespaced = parseConfig('orders', schema, {
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_NAMESPACE: 'ci-7',
      ATLAS_CACHE: 'memory',
    });
    expect(brokerSettings(namespaced)).toEqual({
      kind: 'kafka',
      brokers: ['127.0.0.1:9092'],
      namespace: 'ci-7',
    });
  });

  it('names every bad or missing variable at once, with a hint', () => {
    const problems = problemsOf(() =>
      parseConfig('orders', schema, { PORT: 'eighty', LOG_LEVEL: 'loud' }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^PORT .*\(a TCP port, default 3003\)$/),
      expect.stringMatching(/^LOG_LEVEL /),
      expect.stringMatching(/^KAFKA_BROKERS is required unless ATLAS_BROKER=embedded/),
      expect.stringMatching(/^REDIS_URL is required unless ATLAS_CACHE=memory/),
    ]);
  });

  it('requires Kafka brokers and a Redis URL unless the embedded adapters are chosen', () => {
    const problems = problemsOf(() => parseConfig('orders', schema, {}));
    expect(problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS is required unless ATLAS_BROKER=embedded/),
      expect.stringMatching(/^REDIS_URL is required unless ATLAS_CACHE=memory/),
    ]);
    const embedded = parseConfig('orders', schema, {
      ATLAS_BROKER: 'embedded',
      ATLAS_CACHE: 'memory',
    });
    expect(brokerSettings(embedded)).toEqual({ kind: 'embedded' });
  });

  it('treats an empty variable as unset', () => {
    const problems = problemsOf(() =>
      parseConfig('orders', z.object({ DATABASE_URL: envVar.url('postgres://x', ['postgres']) }), {
        DATABASE_URL: '',
      }),
    );
    expect(problems).toEqual(['DATABASE_URL is required (a URL such as postgres://x)']);
  });

  it('says which service failed and how to fix it', () => {
    expect(() => parseConfig('payments', schema, { PORT: '-1' })).toThrow(
      /^payments cannot start: its configuration is invalid\.\n {2}- PORT /,
    );
  });
});
