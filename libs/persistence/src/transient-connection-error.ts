import { DatabaseError } from 'pg';

// Network failures worth another attempt: the server (or its DNS name) is not there *yet*,
// as when a service and its database start together in a cluster.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATEs: cannot_connect_now (starting up or shutting down), too_many_connections.
const TRANSIENT_SQL_STATES = new Set(['57P03', '53300']);

/**
 * Whether starting again later could succeed. A failing migration, a wrong password or a
 * missing privilege will fail the same way every time, so those end the start at once.
 */
export function isTransientConnectionError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof AggregateError && current.errors.some(isTransientConnectionError)) {
      return true;
    }
    if (current instanceof DatabaseError) return TRANSIENT_SQL_STATES.has(current.code ?? '');
    const code = (current as NodeJS.ErrnoException).code;
    if (code && TRANSIENT_NETWORK_CODES.has(code)) return true;
    if (/Connection terminated/.test(current.message)) return true;
  }
  return false;
}
