import { describe, expect, it } from '@jest/globals';
import type { UsageRecord } from '../usage/usage-ledger.js';
import { formatUsageReport, usesInfrastructure } from './usage-report.js';

const ROOT = '/repo';
const ORDERS = '/repo/apps/orders/src/orders.int-spec.ts';
const JOURNEY = '/repo/test/checkout.e2e-spec.ts';

const realPostgres: UsageRecord = {
  suite: ORDERS,
  service: 'postgres',
  server: {
    kind: 'real',
    address: 'postgres://postgres:secret@127.0.0.1:5432/postgres',
    source: 'local-port',
    version: 'PostgreSQL 15.19',
  },
};
const embeddedKafka: UsageRecord = {
  suite: ORDERS,
  service: 'kafka',
  server: { kind: 'embedded', reason: 'no kafka answered (127.0.0.1:9092: ECONNREFUSED)' },
};

describe('formatUsageReport', () => {
  it('lists, per suite, each server it used and how that server was found', () => {
    const report = formatUsageReport([ORDERS], [realPostgres], ROOT);

    expect(report).toContain('  apps/orders/src/orders.int-spec.ts\n');
    expect(report).toContain(
      'postgres real      postgres://postgres:***@127.0.0.1:5432/postgres  PostgreSQL 15.19, found on its usual local port',
    );
    expect(report).not.toContain('secret');
    expect(report).not.toContain('!!!');
  });

  it('says of a server the run started that it came from Maven Central jars', () => {
    const startedRedis: UsageRecord = {
      suite: ORDERS,
      service: 'redis',
      server: {
        kind: 'real',
        address: 'redis://127.0.0.1:16379',
        source: 'started-by-tests',
        version: 'Redis 6.2.11, started in 0.3s',
      },
    };

    const report = formatUsageReport([ORDERS], [realPostgres, startedRedis], ROOT);

    expect(report).toContain(
      'redis    real      redis://127.0.0.1:16379  Redis 6.2.11, started in 0.3s, started for this run from Maven Central jars, stopped when it ends',
    );
    expect(report).not.toContain('!!!');
  });

  it('says loudly which suites ran on embedded adapters', () => {
    const report = formatUsageReport([ORDERS, JOURNEY], [realPostgres, embeddedKafka], ROOT);

    expect(report).toContain('kafka    EMBEDDED  no kafka answered');
    expect(report).toContain(
      '!!! 1 suite(s) ran on EMBEDDED adapters, not real servers:\n!!!   apps/orders/src/orders.int-spec.ts (kafka)',
    );
  });

  it('shows suites that used no server, so none goes unreported', () => {
    expect(formatUsageReport([JOURNEY], [realPostgres], ROOT)).toContain(
      '  test/checkout.e2e-spec.ts\n      (no servers)',
    );
  });

  it('prints nothing when no integration or e2e suite ran', () => {
    expect(formatUsageReport([], [realPostgres], ROOT)).toBe('');
  });
});

describe('usesInfrastructure', () => {
  it('covers integration and e2e suites, not unit suites', () => {
    expect(usesInfrastructure(ORDERS)).toBe(true);
    expect(usesInfrastructure(JOURNEY)).toBe(true);
    expect(usesInfrastructure('/repo/libs/config/src/config.spec.ts')).toBe(false);
  });
});
