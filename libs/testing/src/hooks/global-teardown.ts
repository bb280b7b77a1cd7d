import { rmSync } from 'node:fs';
import { runDatabasePrefix } from '../database/database-names.js';
import { dropDatabasesStartingWith } from '../database/postgres-admin.js';
import { INFRA_SERVICES } from '../discovery/infra-target.js';
import { stopTestServer } from '../discovery/server-launcher.js';
import type { ResolvedInfra } from '../resolved-infra.js';
import { RESOLVED_INFRA_VARIABLE, findResolvedInfra } from '../resolved-infra.js';
import type { JestRoot } from './jest-root.js';

/** Undoes what the global setup did: only what this run created or started. */
export default async function globalTeardown(globalConfig: JestRoot): Promise<void> {
  const infra = findResolvedInfra(process.env);
  if (!infra) return;
  try {
    if (infra.postgres.kind === 'real') {
      // A test that failed before its afterAll leaves its database behind.
      const left = await dropDatabasesStartingWith(
        infra.postgres.address,
        runDatabasePrefix(infra.runId),
      );
      if (left.length > 0) {
        process.stderr.write(
          `Dropped ${left.length} test database(s) left behind: ${left.join(', ')}\n`,
        );
      }
    }
  } finally {
    try {
      await stopServersStartedForRun(globalConfig.rootDir, infra);
    } finally {
      rmSync(infra.usageFile, { force: true });
      // In watch mode the next run resolves the servers afresh.
      delete process.env[RESOLVED_INFRA_VARIABLE];
    }
  }
}

/** Stops every server the setup started (never one it found), even when one stop fails. */
async function stopServersStartedForRun(rootDir: string, infra: ResolvedInfra): Promise<void> {
  const failures: unknown[] = [];
  for (const service of INFRA_SERVICES) {
    const server = infra[service];
    if (server.kind !== 'real' || server.source !== 'started-by-tests') continue;
    await stopTestServer(rootDir, service, server.address).catch((error: unknown) => {
      failures.push(error);
    });
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, 'Could not stop every server this test run started');
  }
}
