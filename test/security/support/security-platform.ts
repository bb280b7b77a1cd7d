import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { perService, SERVICE_NAMES, type ServiceName } from '#atlas/contracts';
import {
  createTestDatabase,
  testKafka,
  testRedis,
  type TestDatabase,
  freePort,
  TcpProxy,
} from '#atlas/testing';
import { EncryptionKeyring } from '../../../apps/auth/src/crypto/encryption-keyring.js';
import { EncryptionKeysEnv } from '../../../apps/auth/src/crypto/encryption-keys.js';
import {
  startDistributedPlatform,
  type DistributedPlatform,
} from '../../../infra/local/distributed-platform.js';
import { startOidcTestProvider, type OidcTestProvider } from './oidc-test-provider.js';
import { SecretLedger } from './secret-ledger.js';

type Backend = Exclude<ServiceName, 'gateway'>;
const BACKENDS = SERVICE_NAMES.filter((name): name is Backend => name !== 'gateway');

/** The suite's first admin; a test-only passphrase. */
export const SUITE_ADMIN = {
  email: 'security-admin@example.com',
  password: `security suite admin ${randomBytes(6).toString('hex')}`,
} as const;

export interface SecurityPlatform {
  readonly gatewayUrl: string;
  /** Each service's own address, to call it around the gateway. */
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly kafka: { readonly brokers: readonly string[]; readonly namespace: string };
  /** The auth service's database, read and written behind its back by some tests. */
  authDatabase(): Promise<Client>;
  /** The same keys auth encrypts its secrets with: to prove they are encrypted, and forge. */
  readonly keyring: EncryptionKeyring;
  /** Everything every process wrote to stdout and stderr. */
  readonly output: readonly string[];
  /** Every secret the suite saw: none of them may ever appear in `output`. */
  readonly secrets: SecretLedger;
  readonly oidc: OidcTestProvider;
  /** Every app reaches Redis through this: stopping it is "Redis is unreachable". */
  readonly redisProxy: TcpProxy;
  /** One more gateway process, on a port of its own, sharing everything with the first. */
  startGatewayReplica(): Promise<{ readonly url: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * The platform the security suite attacks: six processes from the built `dist/` (as in
 * production), on the run's real PostgreSQL, Kafka and Redis, with their logs captured at
 * debug level, a real OpenID Connect provider beside them, and Redis behind a proxy the suite
 * can cut. The gateway trusts X-Forwarded-For from this machine, so each test can act as a
 * client with an address of its own.
 */
export async function startSecurityPlatform(): Promise<SecurityPlatform> {
  if (!existsSync('dist/apps/gateway/src/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const kafka = testKafka();
  const redis = testRedis();
  if (kafka.kind !== 'real' || redis.kind !== 'real') {
    const reason = kafka.kind !== 'real' ? kafka.reason : redis.kind !== 'real' ? redis.reason : '';
    throw new Error(
      `The security suite runs on real Kafka and Redis (${reason}). Start them (npm run ` +
        'kafka:start, npm run redis:start) or point the test harness at them (libs/testing).',
    );
  }
  const run = randomBytes(4).toString('hex');
  const namespace = `security-${run}`;
  const databases = new Map<Backend, TestDatabase>();
  const output: string[] = [];
  const secrets = new SecretLedger();
  const rawKeys = `suite:${randomBytes(32).toString('base64')}`;
  secrets.add(rawKeys.slice('suite:'.length));
  secrets.add(SUITE_ADMIN.password);

  const target = new URL(redis.url);
  const redisProxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  await redisProxy.start();
  const oidc = await startOidcTestProvider();
  secrets.add(oidc.clientSecret);
  let platform: DistributedPlatform | undefined;

  const stop = async () => {
    await platform?.stop();
    await oidc.close();
    await redisProxy.stop();
    await Promise.all([...databases.values()].map((db) => db.drop()));
  };

  try {
    for (const service of BACKENDS) {
      const db = await createTestDatabase(`security_${service}`);
      if (db.kind !== 'real') {
        throw new Error('The security suite runs on a real PostgreSQL; the harness found none.');
      }
      databases.set(service, db);
    }
    const ports = new Map<ServiceName, number>();
    for (const name of SERVICE_NAMES) ports.set(name, await freePort());
    platform = await startDistributedPlatform({
      databaseUrl: (service) => databases.get(service)?.url ?? '',
      kafkaBrokers: kafka.brokers.join(','),
      redisUrl: redisProxy.url,
      ports: perService((name) => ports.get(name) ?? 0),
      env: {
        NODE_ENV: 'test',
        // Debug, the chattiest level, and a line per request: if a secret reached any log
        // line, it is here.
        LOG_LEVEL: 'debug',
        LOG_REQUESTS: 'true',
        KAFKA_NAMESPACE: namespace,
        REDIS_NAMESPACE: namespace,
        CATALOG_SEED_DEMO: 'true',
        ATLAS_ADMIN_EMAIL: SUITE_ADMIN.email,
        ATLAS_ADMIN_PASSWORD: SUITE_ADMIN.password,
        AUTH_ENCRYPTION_KEYS: rawKeys,
        // Requests come from this machine; X-Forwarded-For then names the client.
        TRUSTED_PROXIES: '127.0.0.1',
        // Short, so the rotation test need not wait a minute for the new key to sign.
        SIGNING_KEY_ACTIVATION_DELAY_SECONDS: '2',
        OIDC_ISSUER: oidc.issuer,
        OIDC_CLIENT_ID: oidc.clientId,
        OIDC_CLIENT_SECRET: oidc.clientSecret,
        OIDC_REDIRECT_URI: oidc.redirectUri,
      },
      stdio: 'pipe',
      onOutput: (service, chunk) =>
        output.push(...chunk.split('\n').map((line) => `${service} ${line}`)),
    });
  } catch (error) {
    process.stderr.write(`${output.slice(-80).join('\n')}\n`);
    await stop();
    throw error;
  }

  const authUrl = databases.get('auth')?.url ?? '';
  const started = platform;
  return {
    gatewayUrl: started.gatewayUrl,
    urls: started.urls,
    kafka: { brokers: kafka.brokers, namespace },
    async authDatabase() {
      const client = new Client({ connectionString: authUrl });
      await client.connect();
      return client;
    },
    keyring: new EncryptionKeyring(EncryptionKeysEnv.parse(rawKeys)),
    output,
    secrets,
    oidc,
    redisProxy,
    async startGatewayReplica() {
      const port = await freePort();
      const child = await started.startReplica('gateway', port);
      return {
        url: `http://127.0.0.1:${port}`,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        },
      };
    },
    stop,
  };
}
