/**
 * Where every library stands, from the ground (0) up: the one table the dependency rules and
 * docs/architecture.md follow. A library imports only libraries of lower layers; apps stand
 * above them all. `tests` is the test harness: only test code imports it, from any layer.
 *
 * A new folder under libs/ needs its line here, or the dependency test fails.
 */
export const LIBRARY_LAYERS = {
  contracts: 0, // what services agree on: topics, event schemas, HTTP DTOs, service names
  config: 0, // environment parsed once, typed, with messages that say what to set
  resilience: 0, // timeouts, retries with a budget, circuit breaker, bulkhead
  http: 1, // problem+json errors, validation, request ids: the HTTP edge of every app
  cache: 1, // Redis and in-memory cache, rate-limit stores, pub/sub
  client: 1, // a typed client of the public API
  persistence: 1, // a service's PostgreSQL (or PGlite) database and its migrations
  worker: 1, // the one shape of a background polling loop: wake-ups, batches, backoff, shutdown
  observability: 2, // logs, traces, metrics, health and readiness
  security: 2, // access-token verification, permissions, session revocation
  'embedded-broker': 2, // the in-process broker with Kafka's semantics, for embedded mode
  messaging: 3, // outbox, inbox, consumers, dead letters over Kafka or the embedded broker
  bootstrap: 4, // how every app starts, serves and stops
  testing: 'tests', // how tests reach real PostgreSQL, Redis and Kafka
} as const satisfies Record<string, Layer>;

export type Layer = 0 | 1 | 2 | 3 | 4 | 'tests';

export type LibraryName = keyof typeof LIBRARY_LAYERS;

export function isLibraryName(name: string): name is LibraryName {
  return Object.hasOwn(LIBRARY_LAYERS, name);
}
