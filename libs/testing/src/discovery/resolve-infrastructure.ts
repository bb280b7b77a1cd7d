import { ADDRESS_VARIABLES, USUAL_LOCAL_ADDRESSES } from './infra-addresses.js';
import type { Answer, Candidate, Discovery } from './discover.js';
import { InfraUnavailableError, discover } from './discover.js';
import type { InfraMode } from './infra-mode.js';
import type { InfraService, ResolvedServer } from './infra-target.js';

/** How each server is checked; tests replace these with fakes. */
export interface Probes {
  readonly postgres: (url: string) => Promise<Answer>;
  readonly redis: (url: string) => Promise<Answer>;
  readonly kafka: (brokers: string) => Promise<Answer>;
  /** Starts a broker for this run (infra/kafka/kafka.sh) and answers once it serves requests. */
  readonly startKafka: () => Promise<Answer>;
}

export type ResolvedServers = Readonly<Record<InfraService, ResolvedServer>>;

const HOW_TO_FIX: Readonly<Record<InfraService, string>> = {
  postgres: `Start PostgreSQL on 127.0.0.1:5432 (user postgres), or set ${ADDRESS_VARIABLES.postgres}.`,
  redis: `Start Redis on 127.0.0.1:6379, or set ${ADDRESS_VARIABLES.redis}.`,
  kafka: `Run \`npm run kafka:start\` (needs Java 17+, and Maven the first time), or set ${ADDRESS_VARIABLES.kafka}.`,
};

/**
 * The discovery order from DESIGN.md, per service: the address given in the environment, then
 * the server's usual local port, then (Kafka only) a broker started from the Maven Central
 * jars. Docker is not tried: the machines Atlas is tested on have no engine. When nothing
 * answers, `auto` falls back to the embedded adapters and `real` fails.
 */
export async function resolveInfrastructure(
  env: NodeJS.ProcessEnv,
  mode: InfraMode,
  probes: Probes,
): Promise<ResolvedServers> {
  const failures: string[] = [];
  const settle = async (service: InfraService): Promise<ResolvedServer | undefined> => {
    // A run that already fails must not leave a broker behind that nobody will stop.
    const mayStart = failures.length === 0;
    try {
      return await discover(discoveryOf(service, env, probes, mayStart), mode);
    } catch (error) {
      if (!(error instanceof InfraUnavailableError)) throw error;
      failures.push(error.message);
      return undefined;
    }
  };
  // One at a time, cheapest first: Kafka may start a JVM, so it goes last.
  const postgres = await settle('postgres');
  const redis = await settle('redis');
  const kafka = await settle('kafka');
  if (!postgres || !redis || !kafka) {
    throw new InfraUnavailableError(
      `The tests cannot reach the servers they need:\n  - ${failures.join('\n  - ')}`,
    );
  }
  return { postgres, redis, kafka };
}

function discoveryOf(
  service: InfraService,
  env: NodeJS.ProcessEnv,
  probes: Probes,
  mayStart: boolean,
): Discovery {
  const probe = probes[service];
  const candidates: Candidate[] = [];
  const variable = ADDRESS_VARIABLES[service];
  const given = env[variable]?.trim();
  if (given) {
    candidates.push({
      source: 'environment',
      where: variable,
      explicit: true,
      connect: () => probe(given),
    });
  }
  const local = USUAL_LOCAL_ADDRESSES[service];
  candidates.push({
    source: 'local-port',
    where: local,
    explicit: false,
    connect: () => probe(local),
  });
  if (service === 'kafka' && mayStart) {
    candidates.push({
      source: 'started-by-tests',
      where: 'a broker from Maven Central jars (infra/kafka/kafka.sh)',
      explicit: false,
      connect: probes.startKafka,
    });
  }
  return { service, candidates, howToFix: HOW_TO_FIX[service] };
}
