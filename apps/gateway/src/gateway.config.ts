import { z } from 'zod';
import {
  cacheEnv,
  cacheSettings,
  envVar,
  evenWithOtherProblems,
  parseConfig,
  requireAdapterAddresses,
  serviceEnv,
  serviceSettings,
  tokenVerificationEnv,
  tokenVerificationSettings,
  type Env,
} from '#atlas/config';

const upstreamUrl = (port: number) =>
  envVar.url(`http://127.0.0.1:${port}`, ['http', 'https']).default(`http://127.0.0.1:${port}`);

const schema = z
  .object({
    ...serviceEnv(3000),
    ...cacheEnv,
    ...tokenVerificationEnv,
    AUTH_URL: upstreamUrl(3001),
    CATALOG_URL: upstreamUrl(3002),
    ORDERS_URL: upstreamUrl(3003),
    PAYMENTS_URL: upstreamUrl(3004),
    NOTIFICATIONS_URL: upstreamUrl(3005),
    UPSTREAM_TIMEOUT_MS: envVar.int(10_000, 100, 120_000),
    CORS_ORIGINS: envVar.list('https://shop.example.com').default([]),
    DOCS_ENABLED: envVar.flag('serve /docs; default on except in production'),
    TRUSTED_PROXIES: envVar.list('10.0.0.0/8,127.0.0.1').default([]),
    RATE_LIMIT_PER_MINUTE: envVar.int(600, 1),
    // Per client IP and per credential route (login, MFA verify, refresh, register, OIDC).
    AUTH_RATE_LIMIT_PER_MINUTE: envVar.int(30, 1),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseGatewayConfig(env: Env) {
  const parsed = parseConfig('gateway', schema, env);
  return {
    service: serviceSettings(parsed),
    cache: cacheSettings(parsed),
    tokens: tokenVerificationSettings(parsed),
    upstreams: {
      auth: parsed.AUTH_URL,
      catalog: parsed.CATALOG_URL,
      orders: parsed.ORDERS_URL,
      payments: parsed.PAYMENTS_URL,
      notifications: parsed.NOTIFICATIONS_URL,
    },
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    corsOrigins: parsed.CORS_ORIGINS,
    // API docs are for developers: on by default, off in production unless asked for.
    docsEnabled: parsed.DOCS_ENABLED ?? parsed.NODE_ENV !== 'production',
    trustedProxies: parsed.TRUSTED_PROXIES,
    rateLimit: { limit: parsed.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
    credentialRateLimit: { limit: parsed.AUTH_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
  };
}

export type GatewayConfig = ReturnType<typeof parseGatewayConfig>;
export type Upstream = keyof GatewayConfig['upstreams'];
