import { expect } from '@jest/globals';
import type { InfraService, InfraSource, ResolvedServer } from './discovery/infra-target.js';
import { readResolvedInfra } from './resolved-infra.js';
import { recordUsage } from './usage/usage-ledger.js';

/** No real server was found and ATLAS_TEST_INFRA allowed the embedded adapter instead. */
export interface EmbeddedTarget {
  readonly kind: 'embedded';
  readonly reason: string;
}

export type PostgresTarget =
  { readonly kind: 'real'; readonly url: string; readonly source: InfraSource } | EmbeddedTarget;

export type RedisTarget =
  { readonly kind: 'real'; readonly url: string; readonly source: InfraSource } | EmbeddedTarget;

export type KafkaTarget =
  | { readonly kind: 'real'; readonly brokers: string[]; readonly source: InfraSource }
  | EmbeddedTarget;

/**
 * The PostgreSQL server this run uses: its URL points at the server's own `postgres`
 * database, so prefer createTestDatabase() for anything that writes.
 */
export function testPostgres(): PostgresTarget {
  const server = acquire('postgres');
  return server.kind === 'real'
    ? { kind: 'real', url: server.address, source: server.source }
    : server;
}

/** The Redis server this run uses. Keys are shared with other suites: name them with uniqueName(). */
export function testRedis(): RedisTarget {
  const server = acquire('redis');
  return server.kind === 'real'
    ? { kind: 'real', url: server.address, source: server.source }
    : server;
}

/** The Kafka brokers this run uses. Topics and groups are shared: name them with uniqueName(). */
export function testKafka(): KafkaTarget {
  const server = acquire('kafka');
  return server.kind === 'real'
    ? { kind: 'real', brokers: server.address.split(','), source: server.source }
    : server;
}

// Jest gives every test file a fresh module registry, so this remembers one suite's records.
const recorded = new Set<string>();

function acquire(service: InfraService): ResolvedServer {
  const infra = readResolvedInfra(process.env);
  const server = infra[service];
  const key = `${infra.usageFile} ${service}`;
  if (!recorded.has(key)) {
    recorded.add(key);
    recordUsage(infra.usageFile, { suite: currentSuite(), service, server });
  }
  return server;
}

function currentSuite(): string {
  return expect.getState().testPath ?? '(outside a test file)';
}
