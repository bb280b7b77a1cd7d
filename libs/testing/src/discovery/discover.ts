import type { InfraMode } from './infra-mode.js';
import type { InfraService, InfraSource, ResolvedServer } from './infra-target.js';

/** What a server said when it answered. */
export interface Answer {
  readonly address: string;
  readonly version: string;
}

/** One place to look for a server. Candidates are tried in order; the first that answers wins. */
export interface Candidate {
  readonly source: InfraSource;
  /** Where this candidate looks, as messages show it: "ATLAS_TEST_REDIS_URL", "127.0.0.1:6379". */
  readonly where: string;
  /**
   * An address someone set on purpose. When it does not answer, looking elsewhere would hide
   * their mistake (tests would quietly run against another server), so discovery fails instead.
   */
  readonly explicit: boolean;
  /** Resolves once a server answers; rejects with the reason when none does. */
  readonly connect: () => Promise<Answer>;
}

export interface Discovery {
  readonly service: InfraService;
  readonly candidates: readonly Candidate[];
  /** The sentence that tells a reader how to provide this server. */
  readonly howToFix: string;
}

export class InfraUnavailableError extends Error {
  readonly code = 'TESTING.INFRA_UNAVAILABLE';
}

export async function discover(discovery: Discovery, mode: InfraMode): Promise<ResolvedServer> {
  const misses: string[] = [];
  for (const candidate of discovery.candidates) {
    try {
      const answer = await candidate.connect();
      return { kind: 'real', source: candidate.source, ...answer };
    } catch (error) {
      const miss = `${candidate.where}: ${describe(error)}`;
      if (candidate.explicit) {
        throw new InfraUnavailableError(
          `${discovery.service}: ${miss}. Start that server, or unset ${candidate.where} to let the tests look for one.`,
        );
      }
      misses.push(miss);
    }
  }
  const reason = `no ${discovery.service} answered (${misses.join('; ')})`;
  if (mode === 'real') {
    throw new InfraUnavailableError(`${discovery.service}: ${reason}. ${discovery.howToFix}`);
  }
  return { kind: 'embedded', reason };
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describe).join(', ');
  }
  return error instanceof Error ? error.message || error.name : String(error);
}
