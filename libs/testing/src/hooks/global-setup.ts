import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInfraMode } from '../discovery/infra-mode.js';
import { probeKafka } from '../discovery/kafka-probe.js';
import { probePostgres } from '../discovery/postgres-probe.js';
import { probeRedis } from '../discovery/redis-probe.js';
import type { Probes } from '../discovery/resolve-infrastructure.js';
import { resolveInfrastructure } from '../discovery/resolve-infrastructure.js';
import { startTestServer, stopTestServer } from '../discovery/server-launcher.js';
import { formatInfraSummary } from '../report/infra-summary.js';
import type { ResolvedInfra } from '../resolved-infra.js';
import { publishResolvedInfra } from '../resolved-infra.js';
import type { JestRoot } from './jest-root.js';

/**
 * Runs once per jest run, before any worker starts: finds (or starts) the servers, publishes
 * them to the workers through the environment, and says what it found and how.
 */
export default async function globalSetup(globalConfig: JestRoot): Promise<void> {
  const mode = readInfraMode(process.env);
  const { rootDir } = globalConfig;
  const probes: Probes = { postgres: probePostgres, redis: probeRedis, kafka: probeKafka };
  const servers = await resolveInfrastructure(process.env, mode, probes, {
    start: (service) => startTestServer(rootDir, service, probes[service]),
    stop: (service, address) => stopTestServer(rootDir, service, address),
  });
  const runId = randomBytes(3).toString('hex');
  const usageFile = join(tmpdir(), `atlas-test-usage-${runId}.jsonl`);
  writeFileSync(usageFile, '');
  const infra: ResolvedInfra = { mode, runId, usageFile, ...servers };
  publishResolvedInfra(process.env, infra);
  process.stderr.write(formatInfraSummary(infra));
}
