import { INFRA_MODE_VARIABLE } from '../discovery/infra-mode.js';
import { INFRA_SERVICES } from '../discovery/infra-target.js';
import type { ResolvedInfra } from '../resolved-infra.js';
import { describeServer } from './describe-server.js';

/** The block the global setup prints once, before any test runs. */
export function formatInfraSummary(infra: ResolvedInfra): string {
  const lines = [`Atlas test infrastructure (${INFRA_MODE_VARIABLE}=${infra.mode}):`];
  for (const service of INFRA_SERVICES) lines.push(`  ${describeServer(service, infra[service])}`);
  const embedded = INFRA_SERVICES.filter((service) => infra[service].kind === 'embedded');
  if (embedded.length > 0) {
    lines.push(
      `!!! NOT REAL: suites that use ${embedded.join(', ')} run on embedded adapters, which only imitate the real servers.`,
      `!!! Provide the servers above (or set ${INFRA_MODE_VARIABLE}=real to make a missing one fail the run).`,
    );
  }
  return `\n${lines.join('\n')}\n\n`;
}
