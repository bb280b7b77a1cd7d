/**
 * The environment of a gateway started only to read what it serves (its routes, its API
 * documents): no service behind it, its cache in memory, a key set nobody serves.
 */
export const DOCUMENTS_GATEWAY_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  PORT: '0',
  ATLAS_CACHE: 'memory',
  AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
} as const;
