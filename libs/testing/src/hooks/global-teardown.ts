import { rmSync } from 'node:fs';
import { runDatabasePrefix } from '../database/database-names.js';
import { dropDatabasesStartingWith } from '../database/postgres-admin.js';
import { stopTestKafka } from '../discovery/kafka-launcher.js';
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
    if (infra.kafka.kind === 'real' && infra.kafka.source === 'started-by-tests') {
      await stopTestKafka(globalConfig.rootDir, infra.kafka.address);
    }
    rmSync(infra.usageFile, { force: true });
    // In watch mode the next run resolves the servers afresh.
    delete process.env[RESOLVED_INFRA_VARIABLE];
  }
}
