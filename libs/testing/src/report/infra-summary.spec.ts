import { describe, expect, it } from '@jest/globals';
import type { ResolvedInfra } from '../resolved-infra.js';
import { formatInfraSummary } from './infra-summary.js';

const STARTED_FOR_RUN = 'started for this run from Maven Central jars, stopped when it ends';

const startedForRun: ResolvedInfra = {
  mode: 'real',
  runId: 'abc123',
  usageFile: '/tmp/usage.jsonl',
  postgres: {
    kind: 'real',
    address: 'postgres://postgres@127.0.0.1:15432/postgres',
    source: 'started-by-tests',
    version: 'PostgreSQL 17.6, started in 2.1s',
  },
  redis: {
    kind: 'real',
    address: 'redis://127.0.0.1:16379',
    source: 'started-by-tests',
    version: 'Redis 6.2.11, started in 0.3s',
  },
  kafka: {
    kind: 'real',
    address: '127.0.0.1:19092',
    source: 'started-by-tests',
    version: 'Kafka cluster abc (1 broker), started in 4.7s',
  },
};

describe('formatInfraSummary', () => {
  it('says of each server the run started that it comes from Maven Central jars, and that it is real', () => {
    const summary = formatInfraSummary(startedForRun);

    expect(summary).toContain('Atlas test infrastructure (ATLAS_TEST_INFRA=real):');
    expect(summary).toContain(
      `postgres real      postgres://postgres@127.0.0.1:15432/postgres  PostgreSQL 17.6, started in 2.1s, ${STARTED_FOR_RUN}`,
    );
    expect(summary).toContain(
      `redis    real      redis://127.0.0.1:16379  Redis 6.2.11, started in 0.3s, ${STARTED_FOR_RUN}`,
    );
    expect(summary).toContain(
      `kafka    real      127.0.0.1:19092  Kafka cluster abc (1 broker), started in 4.7s, ${STARTED_FOR_RUN}`,
    );
    expect(summary).not.toContain('!!!');
  });

  it('tells servers found on their usual ports from those started for the run', () => {
    const summary = formatInfraSummary({
      ...startedForRun,
      postgres: {
        kind: 'real',
        address: 'postgres://postgres@127.0.0.1:5432/postgres',
        source: 'local-port',
        version: 'PostgreSQL 15.19',
      },
    });

    expect(summary).toContain('PostgreSQL 15.19, found on its usual local port');
    expect(summary).toContain(`Redis 6.2.11, started in 0.3s, ${STARTED_FOR_RUN}`);
  });

  it('says loudly which servers are embedded', () => {
    const summary = formatInfraSummary({
      ...startedForRun,
      mode: 'auto',
      redis: { kind: 'embedded', reason: 'no redis answered (redis://127.0.0.1:6379: refused)' },
    });

    expect(summary).toContain('redis    EMBEDDED  no redis answered');
    expect(summary).toContain('!!! NOT REAL: suites that use redis run on embedded adapters');
  });
});
