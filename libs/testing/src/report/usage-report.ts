import { relative } from 'node:path';
import { INFRA_SERVICES } from '../discovery/infra-target.js';
import type { UsageRecord } from '../usage/usage-ledger.js';
import { describeServer } from './describe-server.js';

/** Suites whose infrastructure the end-of-run report lists; unit suites use none. */
export function usesInfrastructure(testPath: string): boolean {
  return /\.(int|e2e)-spec\.ts$/.test(testPath);
}

/**
 * Per integration and e2e suite, the servers it asked for, so a CI log shows which real
 * servers every suite ran against, and which (loudly) ran on embedded adapters.
 */
export function formatUsageReport(
  suites: readonly string[],
  records: readonly UsageRecord[],
  rootDir: string,
): string {
  if (suites.length === 0) return '';
  const lines = ['Infrastructure used per integration and e2e suite:'];
  const onEmbedded: string[] = [];
  for (const suite of [...new Set(suites)].sort()) {
    const name = relative(rootDir, suite);
    lines.push(`  ${name}`);
    const used = INFRA_SERVICES.flatMap((service) => {
      const record = records.find((r) => r.suite === suite && r.service === service);
      return record ? [record] : [];
    });
    if (used.length === 0) lines.push('      (no servers)');
    for (const record of used) lines.push(`      ${describeServer(record.service, record.server)}`);
    const embedded = used.filter((record) => record.server.kind === 'embedded');
    if (embedded.length > 0) {
      onEmbedded.push(`${name} (${embedded.map((record) => record.service).join(', ')})`);
    }
  }
  if (onEmbedded.length > 0) {
    lines.push(
      `!!! ${onEmbedded.length} suite(s) ran on EMBEDDED adapters, not real servers:`,
      ...onEmbedded.map((entry) => `!!!   ${entry}`),
      '!!! Set ATLAS_TEST_INFRA=real to make this a failure.',
    );
  }
  return `\n${lines.join('\n')}\n\n`;
}
