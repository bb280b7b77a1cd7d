import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ResolvedInfra } from './resolved-infra.js';
import { RESOLVED_INFRA_VARIABLE, publishResolvedInfra } from './resolved-infra.js';
import { testKafka, testPostgres, testRedis } from './test-infra.js';
import { readUsage } from './usage/usage-ledger.js';

describe('testPostgres, testRedis and testKafka', () => {
  let published: string | undefined;
  let folder: string;

  beforeEach(() => {
    published = process.env[RESOLVED_INFRA_VARIABLE];
    folder = mkdtempSync(join(tmpdir(), 'atlas-test-infra-'));
  });

  afterEach(() => {
    if (published === undefined) delete process.env[RESOLVED_INFRA_VARIABLE];
    else process.env[RESOLVED_INFRA_VARIABLE] = published;
    rmSync(folder, { recursive: true, force: true });
  });

  function publish(): ResolvedInfra {
    const infra: ResolvedInfra = {
      mode: 'auto',
      runId: 'abc123',
      usageFile: join(folder, 'usage.jsonl'),
      postgres: {
        kind: 'real',
        address: 'postgres://postgres@127.0.0.1:5432/postgres',
        source: 'environment',
        version: 'PostgreSQL 15',
      },
      redis: { kind: 'embedded', reason: 'no redis answered' },
      kafka: {
        kind: 'real',
        address: '127.0.0.1:9092,127.0.0.1:9094',
        source: 'started-by-tests',
        version: 'Kafka',
      },
    };
    publishResolvedInfra(process.env, infra);
    return infra;
  }

  it('give each service in its own shape', () => {
    publish();

    expect(testPostgres()).toEqual({
      kind: 'real',
      url: 'postgres://postgres@127.0.0.1:5432/postgres',
      source: 'environment',
    });
    expect(testRedis()).toEqual({ kind: 'embedded', reason: 'no redis answered' });
    expect(testKafka()).toEqual({
      kind: 'real',
      brokers: ['127.0.0.1:9092', '127.0.0.1:9094'],
      source: 'started-by-tests',
    });
  });

  it('record which suite used which server, for the end-of-run report', () => {
    const infra = publish();

    testRedis();

    expect(readUsage(infra.usageFile)).toContainEqual({
      suite: expect.stringMatching(/libs\/testing\/src\/test-infra\.spec\.ts$/),
      service: 'redis',
      server: infra.redis,
    });
  });

  it('explain how to run the tests when the global setup did not run', () => {
    delete process.env[RESOLVED_INFRA_VARIABLE];

    expect(() => testPostgres()).toThrow(/global setup did not run: run tests with `npm run jest`/);
  });
});
