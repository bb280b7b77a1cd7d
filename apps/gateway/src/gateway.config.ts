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

/** One instance's URL, or several (balanced, the failing ones ejected for a while). */
const upstreamUrls = (port: number) =>
  envVar
    .urlList(`http://127.0.0.1:${port},http://127.0.0.1:${port + 100}`, ['http', 'https'])
    .default([`http://127.0.0.1:${port}`]);

const schema = z
  .object({
    ...serviceEnv(3000),
    ...cacheEnv,
    ...tokenVerificationEnv,
    AUTH_URL: upstreamUrls(3001),
    CATALOG_URL: upstreamUrls(3002),
    ORDERS_URL: upstreamUrls(3003),
    PAYMENTS_URL: upstreamUrls(3004),
    NOTIFICATIONS_URL: upstreamUrls(3005),
    UPSTREAM_TIMEOUT_MS: envVar.int(10_000, 100, 120_000),
    // Calls in flight per upstream before the gateway answers 503 at once (a bulkhead).
    UPSTREAM_MAX_CONCURRENT: envVar.int(256, 1, 10_000),
    // Tries of an idempotent request (GET, HEAD, PUT, DELETE).
    UPSTREAM_ATTEMPTS: envVar.int(3, 1, 5),
    // How long an upstream's open circuit refuses calls before letting a probe through.
    UPSTREAM_BREAKER_OPEN_MS: envVar.int(5_000, 100, 300_000),
    CORS_ORIGINS: envVar.list('https://shop.example.com').default([]),
    DOCS_ENABLED: envVar.flag('serve /docs; default on except in production'),
    TRUSTED_PROXIES: envVar.list('10.0.0.0/8,127.0.0.1').default([]),
    // Per client IP for calls without a valid token, per user for calls with one.
    RATE_LIMIT_PER_MINUTE: envVar.int(600, 1),
    USER_RATE_LIMIT_PER_MINUTE: envVar.int(1200, 1),
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
    upstreamMaxConcurrent: parsed.UPSTREAM_MAX_CONCURRENT,
    upstreamAttempts: parsed.UPSTREAM_ATTEMPTS,
    upstreamBreakerOpenMs: parsed.UPSTREAM_BREAKER_OPEN_MS,
    corsOrigins: parsed.CORS_ORIGINS,
    // API docs are for developers: on by default, off in production unless asked for.
    docsEnabled: parsed.DOCS_ENABLED ?? parsed.NODE_ENV !== 'production',
    trustedProxies: parsed.TRUSTED_PROXIES,
    rateLimit: {
      anonymous: { name: 'anonymous', limit: parsed.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
      user: { name: 'user', limit: parsed.USER_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
    },
    credentialRateLimit: { limit: parsed.AUTH_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
  };
}

export type GatewayConfig = ReturnType<typeof parseGatewayConfig>;
export type Upstream = keyof GatewayConfig['upstreams'];
