/**
 * `auto` (the default) falls back to the embedded adapters when no real server is found, so
 * `npm test` passes on a fresh machine; `real` (CI) makes a missing server a failure instead.
 */
export type InfraMode = 'auto' | 'real';

export const INFRA_MODE_VARIABLE = 'ATLAS_TEST_INFRA';

export function readInfraMode(env: NodeJS.ProcessEnv): InfraMode {
  const value = env[INFRA_MODE_VARIABLE]?.trim() ?? '';
  switch (value) {
    case '':
    case 'auto':
      return 'auto';
    case 'real':
      return 'real';
    default:
      throw new Error(
        `${INFRA_MODE_VARIABLE}=${value} is not understood: use "real" (a missing server fails the run) or leave it unset (fall back to embedded adapters).`,
      );
  }
}
