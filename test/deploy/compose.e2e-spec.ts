import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  APP_SHUTDOWN_LIMIT_SECONDS,
  ATLAS_APPS,
  allowedVariables,
  expectedEnvironment,
  writablePaths,
} from './atlas-apps.js';
import { lintComposeFile } from './compose-lint.js';
import {
  CollectorConfig,
  DashboardProvisioning,
  DatasourceProvisioning,
  OBSERVABILITY_DIR,
  OBSERVABILITY_FILES,
  PrometheusConfig,
  readChecked,
} from '../observability/observability-files.js';
import { REPO_ROOT } from './kubernetes-objects.js';

const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const DATA_SERVICES = ['postgres', 'redis', 'kafka'] as const;
const OBSERVABILITY_SERVICES = ['otel-collector', 'jaeger', 'prometheus', 'grafana'] as const;
/** The collector's image is the binary alone: nothing inside it can probe it (see the file). */
const UNCHECKED_SERVICES = ['otel-collector'];

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
  tmpfs?: string[];
  volumes?: string[];
  command?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
}

interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function isComposeFile(value: unknown): value is ComposeFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    'services' in value &&
    typeof value.services === 'object' &&
    value.services !== null
  );
}

/** The file as Compose reads it: YAML merge keys (`<<: *app`) resolved. */
function readComposeFile(file: string): ComposeFile {
  const content: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  if (!isComposeFile(content)) throw new Error(`${file} has no services`);
  return content;
}

const compose = readComposeFile(COMPOSE_FILE);

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environment(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, String(value)]),
  );
}

describe('docker-compose.yml', () => {
  it('follows the Compose specification and the linter rules', () => {
    // Every dclint rule but one: the file reads infrastructure first, then the apps.
    expect(lintComposeFile(COMPOSE_FILE, { 'services-alphabetical-order': 0 })).toEqual([]);
  });

  it('is the atlas project: the data services, the observability stack and the six apps, nothing else', () => {
    expect(compose.name).toBe('atlas');
    expect(Object.keys(compose.services).sort()).toEqual(
      [...DATA_SERVICES, ...OBSERVABILITY_SERVICES, ...ATLAS_APPS.map((app) => app.name)].sort(),
    );
  });

  it('publishes only the gateway and the observability UIs, and only on the loopback interface', () => {
    const published = Object.entries(compose.services)
      .filter(([, definition]) => (definition.ports ?? []).length > 0)
      .map(([name, definition]) => [name, definition.ports]);
    expect(Object.fromEntries(published)).toEqual({
      gateway: ['127.0.0.1:3000:3000'],
      grafana: ['127.0.0.1:3300:3000'],
      jaeger: ['127.0.0.1:16686:16686'],
      prometheus: ['127.0.0.1:9090:9090'],
    });
  });

  it('health-checks every service that can be, so that depends_on can wait for it', () => {
    const unchecked = Object.entries(compose.services)
      .filter(([, definition]) => !definition.healthcheck?.test)
      .map(([name]) => name);
    expect(unchecked).toEqual(UNCHECKED_SERVICES);
    const waitedFor = Object.values(compose.services).flatMap((definition) =>
      Object.keys(definition.depends_on ?? {}),
    );
    expect(waitedFor.filter((name) => UNCHECKED_SERVICES.includes(name))).toEqual([]);
  });

  it('pins every image to a version', () => {
    const unpinned = Object.entries(compose.services)
      .filter(([, definition]) => definition.image !== undefined)
      .filter(([, definition]) => !/:v?\d+(\.\d+)*(-[a-z]+)?$/.test(definition.image ?? ''))
      .map(([name, definition]) => `${name}: ${definition.image}`);
    expect(unpinned).toEqual([]);
  });

  it('runs Kafka as one KRaft node, broker and controller, with replication factor 1', () => {
    const kafka = service('kafka');
    const env = environment('kafka');
    expect(kafka.image).toBe('apache/kafka:3.9.1');
    expect(env.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka:9092');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    // kafka-storage format takes only a base64url-encoded 16-byte UUID.
    expect(Buffer.from(env.CLUSTER_ID ?? '', 'base64url')).toHaveLength(16);
  });

  describe.each(ATLAS_APPS)('$name', (app) => {
    const definition = service(app.name);
    const env = environment(app.name);

    it('is built from the Dockerfile for its app', () => {
      expect(definition.build?.context).toBe('.');
      expect(definition.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(definition.build?.args).toEqual({ APP: app.name });
    });

    it('gets exactly the environment the app parses', () => {
      const allowed = allowedVariables(app);
      expect(expectedEnvironment(app).required.filter((name) => !(name in env))).toEqual([]);
      expect(Object.keys(env).filter((name) => !allowed.has(name))).toEqual([]);
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.PORT).toBe(String(app.port));
      expect(env.OTEL_SERVICE_NAME).toBe(`atlas-${app.name}`);
    });

    it('starts once the services it needs are healthy', () => {
      const needs = DATA_SERVICES.filter((data) => app[data]);
      // The gateway is ready when the whole system is.
      const expected =
        app.name === 'gateway'
          ? [...needs, ...ATLAS_APPS.filter((other) => other !== app).map((other) => other.name)]
          : needs;
      const dependsOn = definition.depends_on ?? {};
      expect(Object.keys(dependsOn).sort()).toEqual([...expected].sort());
      expect(new Set(Object.values(dependsOn).map(({ condition }) => condition))).toEqual(
        new Set(['service_healthy']),
      );
    });

    it('is given longer to stop than the app takes, so SIGKILL is never the normal path', () => {
      const [, seconds] = /^(\d+)s$/.exec(definition.stop_grace_period ?? '10s') ?? [];
      expect(Number(seconds)).toBeGreaterThan(APP_SHUTDOWN_LIMIT_SECONDS);
    });

    it('writes, besides /tmp, only to named volumes at the folders its app is told to use', () => {
      const mounts = (definition.volumes ?? []).map((volume) => volume.split(':'));
      expect(mounts.map(([, mountPath]) => mountPath)).toEqual(
        writablePaths(app).map((writable) => writable.path),
      );
      for (const writable of writablePaths(app)) expect(env[writable.variable]).toBe(writable.path);
      for (const [volume] of mounts) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    });

    it('runs with a read-only root, /tmp in memory, no capabilities and no privilege escalation', () => {
      expect(definition.read_only).toBe(true);
      expect(definition.tmpfs).toContain('/tmp');
      expect(definition.cap_drop).toEqual(['ALL']);
      expect(definition.security_opt).toContain('no-new-privileges:true');
    });
  });

  it.each(ATLAS_APPS.filter((app) => app.postgres))(
    '$name uses its own database on the PostgreSQL service, with its credentials',
    (app) => {
      const postgres = environment('postgres');
      const url = new URL(environment(app.name).DATABASE_URL ?? '');
      expect([url.hostname, url.port, url.pathname]).toEqual([
        'postgres',
        '5432',
        `/atlas_${app.name}`,
      ]);
      expect([url.username, url.password]).toEqual([
        postgres.POSTGRES_USER,
        postgres.POSTGRES_PASSWORD,
      ]);
    },
  );

  it.each(ATLAS_APPS.filter((app) => app.kafka))(
    '$name uses the address Kafka advertises',
    (app) => {
      expect(`PLAINTEXT://${environment(app.name).KAFKA_BROKERS}`).toBe(
        environment('kafka').KAFKA_ADVERTISED_LISTENERS,
      );
    },
  );

  it.each(ATLAS_APPS.filter((app) => app.redis))('$name uses the Redis service', (app) => {
    expect(environment(app.name).REDIS_URL).toBe('redis://redis:6379');
  });

  it('points the gateway and the JWKS URLs at the services and ports that run them', () => {
    const targets: Array<[string, string]> = ATLAS_APPS.filter((app) => app.name !== 'auth').map(
      (app) => [`${app.name}.AUTH_JWKS_URL`, environment(app.name).AUTH_JWKS_URL ?? ''],
    );
    const gateway = environment('gateway');
    for (const key of [
      'AUTH_URL',
      'CATALOG_URL',
      'ORDERS_URL',
      'PAYMENTS_URL',
      'NOTIFICATIONS_URL',
    ]) {
      targets.push([`gateway.${key}`, gateway[key] ?? '']);
    }
    const unresolved = targets.filter(([, address]) => {
      const url = new URL(address);
      return !(url.hostname in compose.services) || environment(url.hostname).PORT !== url.port;
    });
    expect(unresolved).toEqual([]);
    expect(gateway.CATALOG_URL).toBe('http://catalog:3002');
  });

  describe('observability', () => {
    /** A service's bind mounts of repository files: container path → file in the repository. */
    function mounts(name: string): Map<string, string> {
      return new Map(
        (service(name).volumes ?? [])
          .map((volume) => volume.split(':'))
          .filter(([source]) => source?.startsWith('./'))
          .map(([source = '', target = '']) => [target, path.join(REPO_ROOT, source)]),
      );
    }

    it('mounts only files that exist, read-only, from infra/observability', () => {
      for (const name of OBSERVABILITY_SERVICES) {
        for (const volume of service(name).volumes ?? []) {
          const [source = '', , mode] = volume.split(':');
          const file = path.join(REPO_ROOT, source);
          expect({ volume, exists: existsSync(file), mode }).toEqual({
            volume,
            exists: true,
            mode: 'ro',
          });
          expect(file.startsWith(OBSERVABILITY_DIR)).toBe(true);
        }
      }
    });

    it.each(ATLAS_APPS)('$name sends its traces to the collector’s OTLP/HTTP receiver', (app) => {
      const endpoint = new URL(environment(app.name).OTEL_EXPORTER_OTLP_ENDPOINT ?? '');
      const collector = readChecked(OBSERVABILITY_FILES.collector, CollectorConfig);
      expect(endpoint.hostname).toBe('otel-collector');
      expect(endpoint.port).toBe(
        collector.receivers.otlp.protocols.http.endpoint.split(':').at(-1),
      );
    });

    it('runs the collector on its config file, exporting to the Jaeger service', () => {
      const [flag] = service('otel-collector').command ?? [];
      const configPath = flag?.replace('--config=', '') ?? '';
      expect(mounts('otel-collector').get(configPath)).toBe(OBSERVABILITY_FILES.collector);
      const collector = readChecked(OBSERVABILITY_FILES.collector, CollectorConfig);
      const endpoints = Object.values(collector.exporters).map(({ endpoint }) => endpoint);
      expect(endpoints).toEqual(['jaeger:4317']);
    });

    it('gives Prometheus its config and the alert rules at the path the config names, and scrapes every app', () => {
      const files = mounts('prometheus');
      const configFlag = (service('prometheus').command ?? []).find((arg) =>
        arg.startsWith('--config.file='),
      );
      expect(files.get(configFlag?.split('=')[1] ?? '')).toBe(OBSERVABILITY_FILES.prometheus);
      const config = readChecked(OBSERVABILITY_FILES.prometheus, PrometheusConfig);
      expect(config.rule_files.map((rules) => files.get(rules))).toEqual([
        OBSERVABILITY_FILES.alertRules,
      ]);
      const targets = config.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((group) => group.targets),
      );
      expect(targets.sort()).toEqual(
        ATLAS_APPS.map((app) => `${app.name}:${environment(app.name).PORT}`).sort(),
      );
    });

    it('provisions Grafana with data sources on the Compose services and the dashboards folder', () => {
      const files = mounts('grafana');
      expect(files.get('/etc/grafana/provisioning')).toBe(
        path.dirname(path.dirname(OBSERVABILITY_FILES.datasources)),
      );
      const datasources = readChecked(OBSERVABILITY_FILES.datasources, DatasourceProvisioning);
      const unresolved = datasources.datasources
        .map(({ url }) => new URL(url))
        .filter((url) => {
          const ports = (service(url.hostname).ports ?? []).map((mapping) =>
            mapping.split(':').at(-1),
          );
          return !ports.includes(url.port);
        });
      expect(unresolved).toEqual([]);
      const providers = readChecked(OBSERVABILITY_FILES.dashboardProviders, DashboardProvisioning);
      for (const provider of providers.providers) {
        expect(files.get(provider.options.path)).toBe(OBSERVABILITY_FILES.dashboards);
      }
    });
  });
});
