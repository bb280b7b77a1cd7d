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
  // Every app checks access tokens against the session revocations in Redis.
  { name: 'gateway', port: 3000, postgres: false, kafka: false, redis: true },
  { name: 'auth', port: 3001, postgres: true, kafka: true, redis: true },
  { name: 'catalog', port: 3002, postgres: true, kafka: true, redis: true },
  { name: 'orders', port: 3003, postgres: true, kafka: true, redis: true },
  { name: 'payments', port: 3004, postgres: true, kafka: true, redis: true },
  { name: 'notifications', port: 3005, postgres: true, kafka: true, redis: true },
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
  'AUTH_ENCRYPTION_KEYS',
  'OIDC_CLIENT_SECRET',
  'PAYMENT_WEBHOOK_SECRET',
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
  if (app.redis) {
    required.push('REDIS_URL');
    // Set only where environments share a Redis (as KAFKA_NAMESPACE for Kafka).
    optional.push('REDIS_NAMESPACE');
  }
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
      optional.push(
        'UPSTREAM_TIMEOUT_MS',
        'UPSTREAM_MAX_CONCURRENT',
        'UPSTREAM_ATTEMPTS',
        'UPSTREAM_BREAKER_OPEN_MS',
        'RATE_LIMIT_PER_MINUTE',
        'USER_RATE_LIMIT_PER_MINUTE',
        'AUTH_RATE_LIMIT_PER_MINUTE',
      );
      break;
    case 'auth':
      required.push(
        'ACCESS_TOKEN_TTL_SECONDS',
        'REFRESH_TOKEN_TTL_SECONDS',
        'AUTH_ENCRYPTION_KEYS',
        'TRUSTED_PROXIES',
      );
      optional.push(
        'ATLAS_ADMIN_EMAIL',
        'ATLAS_ADMIN_PASSWORD',
        'SIGNING_KEY_ACTIVATION_DELAY_SECONDS',
        'OIDC_ISSUER',
        'OIDC_CLIENT_ID',
        'OIDC_CLIENT_SECRET',
        'OIDC_REDIRECT_URI',
      );
      break;
    case 'catalog':
      // The image folder is a volume: the root filesystem is read-only (see writablePaths).
      required.push('CATALOG_SEED_DEMO', 'CATALOG_IMAGE_DIR');
      optional.push('CATALOG_CACHE_TTL_MS', 'CATALOG_IMAGE_MAX_BYTES');
      break;
    case 'payments':
      required.push(
        'PAYMENT_DECLINE_ABOVE_CENTS',
        'PAYMENT_WEBHOOK_SECRET',
        'PAYMENT_PROVIDER_WEBHOOK_URL',
      );
      optional.push('PAYMENT_WEBHOOK_TOLERANCE_SECONDS', 'PAYMENT_PROVIDER_CALLBACK_DELAY_MS');
      break;
    case 'notifications':
      optional.push('WEBHOOK_ALLOWED_TARGETS', 'WEBHOOK_MAX_ATTEMPTS', 'WEBHOOK_RETRY_BASE_MS');
      break;
    case 'orders':
      optional.push('ORDERS_STOCK_TIMEOUT_MS', 'ORDERS_PAYMENT_TIMEOUT_MS');
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

/**
 * Where each app writes besides /tmp, as a volume, with the variable that points it there.
 * The root filesystem is read-only everywhere, so anything else fails at the first write.
 */
export function writablePaths(app: AtlasApp): readonly { path: string; variable: string }[] {
  return app.name === 'catalog'
    ? [{ path: '/var/lib/atlas/images', variable: 'CATALOG_IMAGE_DIR' }]
    : [];
}
