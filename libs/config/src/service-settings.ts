import { z } from 'zod';
import { LOG_LEVELS, NODE_ENVS, envVar, type LogLevel, type NodeEnv } from './env-schemas.js';

/** What every Atlas app reads: where to listen, how to log, how long to drain on shutdown. */
export function serviceEnv(defaultPort: number) {
  return {
    NODE_ENV: z.enum(NODE_ENVS).default('development').describe('development, production or test'),
    HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('the interface to listen on; 0.0.0.0 in containers'),
    PORT: envVar.port(defaultPort),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe(LOG_LEVELS.join(', ')),
    SHUTDOWN_DRAIN_MS: envVar.int(0, 0, 120_000),
    // Every request at info; without it only server errors and slow requests are logged.
    LOG_REQUESTS: envVar.bool(false),
    LOG_SLOW_REQUEST_MS: envVar.int(1_000, 1, 600_000),
  };
}

export interface ServiceSettings {
  readonly nodeEnv: NodeEnv;
  readonly http: { readonly host: string; readonly port: number };
  readonly logLevel: LogLevel;
  /** How long readiness reports 503 before the server stops taking requests. */
  readonly shutdownDrainMs: number;
  /**
   * Which requests get a log line: every one at info (`all`, for an operator who wants them),
   * or only server errors and those slower than `slowMs` (the default).
   */
  readonly requestLog: { readonly all: boolean; readonly slowMs: number };
}

type ServiceEnv = z.output<z.ZodObject<ReturnType<typeof serviceEnv>>>;

export function serviceSettings(env: ServiceEnv): ServiceSettings {
  return {
    nodeEnv: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT },
    logLevel: env.LOG_LEVEL,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    requestLog: { all: env.LOG_REQUESTS, slowMs: env.LOG_SLOW_REQUEST_MS },
  };
}

export function databaseEnv(service: string) {
  return {
    DATABASE_URL: envVar.url(`postgres://postgres@127.0.0.1:5432/atlas_${service}`, [
      'postgres',
      'postgresql',
    ]),
    DATABASE_POOL_MAX: envVar.int(10, 1, 200),
  };
}

export interface DatabaseSettings {
  readonly url: string;
  readonly poolMax: number;
}

export function databaseSettings(env: {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
}): DatabaseSettings {
  return { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX };
}

/** `ATLAS_BROKER=embedded` uses the in-process broker; otherwise Kafka at `KAFKA_BROKERS`. */
export const brokerEnv = {
  ATLAS_BROKER: z.enum(['kafka', 'embedded']).default('kafka').describe('kafka or embedded'),
  KAFKA_BROKERS: envVar.list('127.0.0.1:9092').optional(),
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,48}$/i)
    .optional()
    .describe('a prefix for topics and consumer groups when environments share a cluster'),
};

export type BrokerSettings =
  | { readonly kind: 'kafka'; readonly brokers: readonly string[]; readonly namespace?: string }
  | { readonly kind: 'embedded' };

export function brokerSettings(env: {
  ATLAS_BROKER: 'kafka' | 'embedded';
  KAFKA_BROKERS?: string[] | undefined;
  KAFKA_NAMESPACE?: string | undefined;
}): BrokerSettings {
  if (env.ATLAS_BROKER === 'embedded') return { kind: 'embedded' };
  const brokers = env.KAFKA_BROKERS ?? [];
  return env.KAFKA_NAMESPACE
    ? { kind: 'kafka', brokers, namespace: env.KAFKA_NAMESPACE }
    : { kind: 'kafka', brokers };
}

/** `ATLAS_CACHE=memory` keeps cache and rate limits in the process; otherwise Redis. */
export const cacheEnv = {
  ATLAS_CACHE: z.enum(['redis', 'memory']).default('redis').describe('redis or memory'),
  REDIS_URL: envVar.url('redis://127.0.0.1:6379', ['redis', 'rediss']).optional(),
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,48}$/i)
    .optional()
    .describe('a prefix for keys and pub/sub channels when environments share one Redis'),
};

export type CacheSettings = (
  { readonly kind: 'redis'; readonly url: string } | { readonly kind: 'memory' }
) & { readonly namespace?: string };

export function cacheSettings(env: {
  ATLAS_CACHE: 'redis' | 'memory';
  REDIS_URL?: string | undefined;
  REDIS_NAMESPACE?: string | undefined;
}): CacheSettings {
  const namespace = env.REDIS_NAMESPACE ? { namespace: env.REDIS_NAMESPACE } : {};
  if (env.ATLAS_CACHE === 'memory') return { kind: 'memory', ...namespace };
  // requireAdapterAddresses reports a missing URL with the other problems; this is the backstop.
  if (!env.REDIS_URL) throw new Error('REDIS_URL is required unless ATLAS_CACHE=memory');
  return { kind: 'redis', url: env.REDIS_URL, ...namespace };
}

/**
 * How services verify the access tokens the auth service signs. Verification also asks Redis
 * whether the token's session was revoked (`REDIS_URL`, or `ATLAS_CACHE=memory` when every app
 * runs in one process), so every app that verifies tokens needs it.
 */
export const tokenVerificationEnv = {
  AUTH_JWKS_URL: envVar.url('http://127.0.0.1:3001/.well-known/jwks.json', ['http', 'https']),
  JWT_ISSUER: z.string().min(1).default('atlas-auth').describe('the iss claim, default atlas-auth'),
  JWT_AUDIENCE: z.string().min(1).default('atlas').describe('the aud claim, default atlas'),
  ...cacheEnv,
};

export interface TokenVerificationSettings {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Where revoked sessions are recorded: Redis shared by every app, or this process. */
  readonly revocations: CacheSettings;
}

export function tokenVerificationSettings(env: {
  AUTH_JWKS_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ATLAS_CACHE: 'redis' | 'memory';
  REDIS_URL?: string | undefined;
  REDIS_NAMESPACE?: string | undefined;
}): TokenVerificationSettings {
  return {
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    revocations: cacheSettings(env),
  };
}

/**
 * Cross-field rules shared by services: Kafka needs brokers, Redis needs a URL.
 * Use as `.superRefine(requireAdapterAddresses)` on the service's env object.
 */
export function requireAdapterAddresses(
  env: {
    ATLAS_BROKER?: string;
    KAFKA_BROKERS?: string[] | undefined;
    ATLAS_CACHE?: string;
    REDIS_URL?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (env.ATLAS_BROKER === 'kafka' && !env.KAFKA_BROKERS?.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_BROKERS'],
      message:
        'is required unless ATLAS_BROKER=embedded (a comma-separated list such as 127.0.0.1:9092)',
    });
  }
  if (env.ATLAS_CACHE === 'redis' && !env.REDIS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'is required unless ATLAS_CACHE=memory (a URL such as redis://127.0.0.1:6379)',
    });
  }
}

/**
 * Runs a cross-field check even when other variables are already invalid (zod skips it by
 * default), so a single failed start names every problem at once.
 */
export const evenWithOtherProblems = { when: () => true } as const;
