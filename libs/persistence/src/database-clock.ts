/**
 * `ms` from now on the database's clock, as a TypeORM raw value for `update(...)`: leases and
 * due times that several replicas compare must use one clock, the database's.
 */
export function msFromNow(ms: number): () => string {
  return () => `now() + interval '${Math.trunc(ms)} milliseconds'`;
}
