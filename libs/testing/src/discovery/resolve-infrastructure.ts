import { ADDRESS_VARIABLES, USUAL_LOCAL_ADDRESSES } from './infra-addresses.js';
import type { Answer, Candidate, Discovery } from './discover.js';
import { InfraUnavailableError, discover } from './discover.js';
import type { InfraMode } from './infra-mode.js';
import type { InfraService, ResolvedServer } from './infra-target.js';
import { INFRA_SERVICES } from './infra-target.js';
import { LAUNCH_SPECS } from './launch-specs.js';

/** How each server is checked; tests replace these with fakes. */
export interface Probes {
  readonly postgres: (url: string) => Promise<Answer>;
  readonly redis: (url: string) => Promise<Answer>;
  readonly kafka: (brokers: string) => Promise<Answer>;
}

/** Starts servers for this run from the Maven Central jars (infra/<service>/); tests fake it. */
export interface Launcher {
  /** Answers once the new server serves requests; rejects with the reason it could not start. */
  readonly start: (service: InfraService) => Promise<Answer>;
  /** Stops a server that start() started, and removes its data. */
  readonly stop: (service: InfraService, address: string) => Promise<void>;
}

export type ResolvedServers = Readonly<Record<InfraService, ResolvedServer>>;

const HOW_TO_FIX: Readonly<Record<InfraService, string>> = {
  postgres: `Run \`npm run postgres:start\` (needs Maven the first time), start PostgreSQL on 127.0.0.1:5432 (user postgres), or set ${ADDRESS_VARIABLES.postgres}.`,
  redis: `Run \`npm run redis:start\` (needs Maven the first time), start Redis on 127.0.0.1:6379, or set ${ADDRESS_VARIABLES.redis}.`,
  kafka: `Run \`npm run kafka:start\` (needs Java 17+, and Maven the first time), or set ${ADDRESS_VARIABLES.kafka}.`,
};

/**
 * The discovery order from DESIGN.md, per service: the address given in the environment, then
 * the server's usual local port, then a server started for this run from the Maven Central jars
 * (infra/postgres, infra/redis, infra/kafka; they need Maven the first time, and Kafka needs
 * Java). Docker is not tried: the machines Atlas is tested on have no engine. When nothing
 * answers, `auto` falls back to the embedded adapters and `real` fails.
 */
export async function resolveInfrastructure(
  env: NodeJS.ProcessEnv,
  mode: InfraMode,
  probes: Probes,
  launcher: Launcher,
): Promise<ResolvedServers> {
  const failures: string[] = [];
  const settle = async (service: InfraService): Promise<ResolvedServer | undefined> => {
    // A run that already fails starts nothing more, so there is less to stop again.
    const mayStart = failures.length === 0;
    try {
      return await discover(discoveryOf(service, env, probes, launcher, mayStart), mode);
    } catch (error) {
      if (!(error instanceof InfraUnavailableError)) throw error;
      failures.push(error.message);
      return undefined;
    }
  };
  const found: Partial<Record<InfraService, ResolvedServer>> = {};
  try {
    // One at a time, cheapest first: Kafka may start a JVM, so it goes last.
    for (const service of ['postgres', 'redis', 'kafka'] as const) {
      const server = await settle(service);
      if (server) found[service] = server;
    }
    const { postgres, redis, kafka } = found;
    if (!postgres || !redis || !kafka) {
      throw new InfraUnavailableError(
        `The tests cannot reach the servers they need:\n  - ${failures.join('\n  - ')}`,
      );
    }
    return { postgres, redis, kafka };
  } catch (error) {
    // The global teardown runs only after a setup that succeeded: stop what this call started.
    await stopStarted(found, launcher);
    throw error;
  }
}

async function stopStarted(
  servers: Partial<Record<InfraService, ResolvedServer>>,
  launcher: Launcher,
): Promise<void> {
  for (const service of INFRA_SERVICES) {
    const server = servers[service];
    if (server?.kind === 'real' && server.source === 'started-by-tests') {
      // The run fails anyway, with the reason that matters; a stop that fails leaves an orphan
      // the next run stops.
      await launcher.stop(service, server.address).catch(() => undefined);
    }
  }
}

function discoveryOf(
  service: InfraService,
  env: NodeJS.ProcessEnv,
  probes: Probes,
  launcher: Launcher,
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
  if (mayStart) {
    const { label, script } = LAUNCH_SPECS[service];
    candidates.push({
      source: 'started-by-tests',
      where: `${label} from Maven Central jars (${script})`,
      explicit: false,
      connect: () => launcher.start(service),
    });
  }
  return { service, candidates, howToFix: HOW_TO_FIX[service] };
}
