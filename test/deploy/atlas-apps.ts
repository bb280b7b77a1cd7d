/**
 * What the deployment files must run: the six apps, their ports, what each needs and the
 * environment each one parses at start. The Compose and Kubernetes checks compare against this
 * table, so a file that forgets a variable, or sets one no app reads, fails.
 */
export type AtlasAppName = 'gateway' | 'auth' | 'catalog' | 'orders' | 'payments' | 'notifications';

export interface AtlasApp {
  readonly name: AtlasAppName;
  readonly port: number;
  readonly postgres: boolean;
  readonly kafka: boolean;
  readonly redis: boolean;
}

export const ATLAS_APPS: readonly AtlasApp[] = [
  { name: 'gateway', port: 3000, postgres: false, kafka: false, redis: true },
  { name: 'auth', port: 3001, postgres: true, kafka: true, redis: false },
  { name: 'catalog', port: 3002, postgres: true, kafka: true, redis: true },
  { name: 'orders', port: 3003, postgres: true, kafka: true, redis: false },
  { name: 'payments', port: 3004, postgres: true, kafka: true, redis: false },
  { name: 'notifications', port: 3005, postgres: true, kafka: true, redis: false },
];

/**
 * How long an app takes at most to shut down after SIGTERM, drain included, before it exits
 * by itself (SHUTDOWN_TIMEOUT_MS in libs/bootstrap/src/run-service.ts). Orchestrators must
 * wait longer, so that their SIGKILL is never the normal path.
 */
export const APP_SHUTDOWN_LIMIT_SECONDS = 30;

/** Variables that carry credentials: they belong in Secrets, never in a ConfigMap. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'ATLAS_ADMIN_EMAIL',
  'ATLAS_ADMIN_PASSWORD',
]);

export interface ExpectedEnvironment {
  /** The app refuses to start without these. */
  readonly required: readonly string[];
  /** The app reads these when set and has a default otherwise. */
  readonly optional: readonly string[];
}

export function expectedEnvironment(app: AtlasApp): ExpectedEnvironment {
  const required = [
    'NODE_ENV',
    'HOST',
    'PORT',
    'LOG_LEVEL',
    'OTEL_SERVICE_NAME',
    'SHUTDOWN_DRAIN_MS',
  ];
  const optional = ['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (app.postgres) required.push('DATABASE_URL', 'DATABASE_POOL_MAX');
  if (app.kafka) required.push('KAFKA_BROKERS');
  if (app.redis) required.push('REDIS_URL');
  // auth signs with the issuer and audience the others verify; they fetch its JWKS.
  required.push('JWT_ISSUER', 'JWT_AUDIENCE');
  if (app.name !== 'auth') required.push('AUTH_JWKS_URL');
  switch (app.name) {
    case 'gateway':
      required.push(
        'AUTH_URL',
        'CATALOG_URL',
        'ORDERS_URL',
        'PAYMENTS_URL',
        'NOTIFICATIONS_URL',
        'CORS_ORIGINS',
        'DOCS_ENABLED',
        'TRUSTED_PROXIES',
      );
      optional.push('UPSTREAM_TIMEOUT_MS', 'RATE_LIMIT_PER_MINUTE');
      break;
    case 'auth':
      required.push('ACCESS_TOKEN_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS');
      optional.push('ATLAS_ADMIN_EMAIL', 'ATLAS_ADMIN_PASSWORD');
      break;
    case 'catalog':
      required.push('CATALOG_SEED_DEMO');
      optional.push('CATALOG_CACHE_TTL_MS');
      break;
    case 'payments':
      required.push('PAYMENT_DECLINE_ABOVE_CENTS');
      break;
    case 'orders':
    case 'notifications':
      break;
    default: {
      const unhandled: never = app.name;
      throw new Error(`No environment listed for ${String(unhandled)}`);
    }
  }
  return { required, optional };
}

/** Every variable the app reads: its environment may hold these and no others. */
export function allowedVariables(app: AtlasApp): ReadonlySet<string> {
  const { required, optional } = expectedEnvironment(app);
  return new Set([...required, ...optional]);
}

export function appNamed(name: string): AtlasApp {
  const app = ATLAS_APPS.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`${name} is not an Atlas app`);
  return app;
}
