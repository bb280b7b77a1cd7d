import { z } from 'zod';
import type { InfraMode } from './discovery/infra-mode.js';
import type { ResolvedServers } from './discovery/resolve-infrastructure.js';
import { resolvedServerSchema } from './discovery/infra-target.js';

/**
 * What the global setup found, handed to the test workers (separate processes that inherit
 * the environment) as one JSON variable.
 */
export interface ResolvedInfra extends ResolvedServers {
  readonly mode: InfraMode;
  /** Names this run's databases, so the teardown can drop those a crashed test left behind. */
  readonly runId: string;
  /** The file where each suite records the servers it used, for the end-of-run report. */
  readonly usageFile: string;
}

const resolvedInfraSchema: z.ZodType<ResolvedInfra> = z.object({
  mode: z.enum(['auto', 'real']),
  runId: z.string().regex(/^[a-z0-9]+$/),
  usageFile: z.string().min(1),
  postgres: resolvedServerSchema,
  redis: resolvedServerSchema,
  kafka: resolvedServerSchema,
});

export const RESOLVED_INFRA_VARIABLE = 'ATLAS_TEST_INFRA_RESOLVED';

export function publishResolvedInfra(env: NodeJS.ProcessEnv, infra: ResolvedInfra): void {
  env[RESOLVED_INFRA_VARIABLE] = JSON.stringify(infra);
}

/** The published infrastructure, or undefined when the global setup did not get that far. */
export function findResolvedInfra(env: NodeJS.ProcessEnv): ResolvedInfra | undefined {
  const published = env[RESOLVED_INFRA_VARIABLE];
  return published ? resolvedInfraSchema.parse(JSON.parse(published)) : undefined;
}

export function readResolvedInfra(env: NodeJS.ProcessEnv): ResolvedInfra {
  const infra = findResolvedInfra(env);
  if (!infra) {
    throw new Error(
      `${RESOLVED_INFRA_VARIABLE} is not set, so libs/testing's global setup did not run: run tests with \`npm run jest\` (or \`npm test\`), whose jest.config.js names libs/testing/jest/global-setup.mjs as its top-level globalSetup.`,
    );
  }
  return infra;
}
