import { ADDRESS_VARIABLES } from '../discovery/infra-addresses.js';
import type { InfraService, ResolvedServer } from '../discovery/infra-target.js';

/** One aligned line: "postgres  real      <address>  <version>, <how it was found>". */
export function describeServer(service: InfraService, server: ResolvedServer): string {
  switch (server.kind) {
    case 'real':
      return `${service.padEnd(9)}real      ${redact(server.address)}  ${server.version}, ${howFound(service, server.source)}`;
    case 'embedded':
      return `${service.padEnd(9)}EMBEDDED  ${server.reason}`;
    default: {
      const unreachable: never = server;
      return String(unreachable);
    }
  }
}

function howFound(
  service: InfraService,
  source: Extract<ResolvedServer, { kind: 'real' }>['source'],
): string {
  switch (source) {
    case 'environment':
      return `given in ${ADDRESS_VARIABLES[service]}`;
    case 'local-port':
      return 'found on its usual local port';
    case 'started-by-tests':
      return 'started for this run from Maven Central jars, stopped when it ends';
    default: {
      const unreachable: never = source;
      return String(unreachable);
    }
  }
}

/** Output lands in CI logs: never print a password from a URL. */
function redact(address: string): string {
  if (!address.includes('://')) return address;
  try {
    const url = new URL(address);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return address;
  }
}
