import { describe, expect, it } from '@jest/globals';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ATLAS_APPS } from './atlas-apps.js';
import {
  appContainerOf,
  generatedFrom,
  named,
  ofKind,
  podSpecOf,
  renderKustomization,
} from './kubernetes-objects.js';
import { selects } from './network-policy.js';

const objects = renderKustomization('k8s/overlays/dev');
const NAMESPACE = 'atlas-dev';

function decodedSecret(name: string): Record<string, string> {
  const secret = generatedFrom(ofKind(objects, 'Secret'), name);
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString(),
    ]),
  );
}

function envValue(container: IContainer, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

function workloadNamed(name: string) {
  const workloads = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')];
  return named(workloads, name);
}

describe('k8s/overlays/dev', () => {
  it('puts everything in its own namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = named(ofKind(objects, 'Namespace'), NAMESPACE);
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const elsewhere = objects
      .filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== NAMESPACE)
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('runs a single replica of everything', () => {
    const workloads = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')];
    expect(workloads.map((workload) => [workload.metadata.name, workload.spec?.replicas])).toEqual(
      workloads.map((workload) => [workload.metadata.name, 1]),
    );
  });

  it('runs the locally built images of the apps', () => {
    for (const app of ATLAS_APPS) {
      expect(appContainerOf(named(ofKind(objects, 'Deployment'), app.name)).image).toBe(
        `atlas-${app.name}:dev`,
      );
    }
  });

  it('runs the apps in development mode with the API docs on and a demo catalog', () => {
    for (const app of ATLAS_APPS) {
      expect(generatedFrom(ofKind(objects, 'ConfigMap'), app.name).data?.NODE_ENV).toBe(
        'development',
      );
    }
    expect(generatedFrom(ofKind(objects, 'ConfigMap'), 'gateway').data?.DOCS_ENABLED).toBe('true');
    expect(generatedFrom(ofKind(objects, 'ConfigMap'), 'catalog').data?.CATALOG_SEED_DEMO).toBe(
      'true',
    );
  });

  it('exposes only the gateway outside the cluster, on a NodePort', () => {
    const exposed = ofKind(objects, 'Service')
      .filter((service) => ['NodePort', 'LoadBalancer'].includes(service.spec?.type ?? 'ClusterIP'))
      .map((service) => service.metadata.name);
    expect(exposed).toEqual(['gateway']);
    expect(named(ofKind(objects, 'Service'), 'gateway').spec?.ports?.[0]?.nodePort).toBe(30300);
  });

  it('runs PostgreSQL, Redis and Kafka behind the Services the apps are configured with', () => {
    for (const [service, port, workload] of [
      ['postgres', 5432, 'postgres'],
      ['redis', 6379, 'redis'],
      ['kafka', 9092, 'kafka'],
    ] as const) {
      const found = named(ofKind(objects, 'Service'), service);
      expect(found.spec?.ports?.map((servicePort) => servicePort.port)).toEqual([port]);
      const target = workloadNamed(workload);
      expect(
        selects(
          { matchLabels: found.spec?.selector ?? {} },
          target.spec?.template.metadata?.labels ?? {},
        ),
      ).toBe(true);
      const targetPort = found.spec?.ports?.[0]?.targetPort;
      const containerPorts = podSpecOf(target).containers.flatMap(
        (container) => container.ports ?? [],
      );
      expect(
        containerPorts.some((containerPort) =>
          [containerPort.name, containerPort.containerPort].includes(targetPort),
        ),
      ).toBe(true);
    }
  });

  it('runs Kafka as one KRaft node, broker and controller, with replication factor 1', () => {
    const kafka = podSpecOf(workloadNamed('kafka')).containers[0];
    if (!kafka) throw new Error('kafka has no container');
    expect(kafka.image).toBe('apache/kafka:3.9.1');
    expect(envValue(kafka, 'KAFKA_PROCESS_ROLES')?.split(',').sort()).toEqual([
      'broker',
      'controller',
    ]);
    expect(envValue(kafka, 'KAFKA_ZOOKEEPER_CONNECT')).toBeUndefined();
    expect(envValue(kafka, 'KAFKA_ADVERTISED_LISTENERS')).toBe('PLAINTEXT://kafka:9092');
    for (const name of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
    ]) {
      expect([name, envValue(kafka, name)]).toEqual([name, '1']);
    }
    // kafka-storage format takes only a base64url-encoded 16-byte UUID.
    expect(Buffer.from(envValue(kafka, 'CLUSTER_ID') ?? '', 'base64url')).toHaveLength(16);
  });

  it('gives the data services the same pod hardening the restricted standard asks of the apps', () => {
    for (const name of ['postgres', 'redis', 'kafka']) {
      const pod = podSpecOf(workloadNamed(name));
      expect([
        name,
        pod.securityContext?.runAsNonRoot,
        pod.securityContext?.seccompProfile?.type,
      ]).toEqual([name, true, 'RuntimeDefault']);
      for (const container of pod.containers) {
        expect([name, container.securityContext?.allowPrivilegeEscalation]).toEqual([name, false]);
        expect(container.securityContext?.capabilities?.drop).toContain('ALL');
        expect(container.readinessProbe).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
      }
    }
  });

  it.each(ATLAS_APPS.filter((app) => app.postgres))(
    'generates the Secret of $name, whose database URL names its own database on the dev server',
    (app) => {
      const postgres = decodedSecret('postgres-credentials');
      const url = new URL(decodedSecret(`${app.name}-secrets`).DATABASE_URL ?? '');
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

  it.each(ATLAS_APPS.filter((app) => app.redis))('generates the Redis URL of $name', (app) => {
    expect(decodedSecret(`${app.name}-secrets`).REDIS_URL).toBe('redis://redis:6379');
  });

  it('generates the first admin of development mode', () => {
    const auth = decodedSecret('auth-secrets');
    expect(auth.ATLAS_ADMIN_EMAIL).toMatch(/@/);
    expect(auth.ATLAS_ADMIN_PASSWORD).toBeTruthy();
  });
});
