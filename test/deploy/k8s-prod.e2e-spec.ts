import { describe, expect, it } from '@jest/globals';
import { ATLAS_APPS } from './atlas-apps.js';
import {
  appContainerOf,
  generatedFrom,
  named,
  ofKind,
  podSpecOf,
  renderKustomization,
} from './kubernetes-objects.js';
import { allows, selects, type Endpoint } from './network-policy.js';

const objects = renderKustomization('k8s/overlays/prod');
const policies = ofKind(objects, 'NetworkPolicy');

function podOf(appName: string): Endpoint & { kind: 'pod' } {
  const deployment = named(ofKind(objects, 'Deployment'), appName);
  const httpPort = appContainerOf(deployment).ports?.find(
    (port) => port.name === 'http',
  )?.containerPort;
  const labels = deployment.spec?.template.metadata?.labels ?? {};
  return httpPort === undefined ? { kind: 'pod', labels } : { kind: 'pod', labels, httpPort };
}

const INTERNET: Endpoint = { kind: 'address', ip: '203.0.113.10' };
const KUBE_DNS: Endpoint = {
  kind: 'pod-elsewhere',
  namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
  labels: { 'k8s-app': 'kube-dns' },
};
// Managed data services: somewhere outside the namespace, on their usual ports.
const DATA_SERVICE: Endpoint = { kind: 'address', ip: '10.20.0.5' };

describe('k8s/overlays/prod', () => {
  it('commits no Secret and no development-only variable: the platform provides the secrets', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const devOnly = ofKind(objects, 'ConfigMap').flatMap((configMap) =>
      Object.keys(configMap.data ?? {}).filter((key) => key.startsWith('ATLAS_ADMIN_')),
    );
    expect(devOnly).toEqual([]);
    for (const app of ATLAS_APPS) {
      const refs = appContainerOf(named(ofKind(objects, 'Deployment'), app.name)).envFrom ?? [];
      expect(refs.map((ref) => ref.secretRef?.name).filter(Boolean)).toEqual([
        `${app.name}-secrets`,
      ]);
    }
  });

  it('runs in production mode with the API docs and the demo catalog off', () => {
    for (const app of ATLAS_APPS) {
      expect([
        app.name,
        generatedFrom(ofKind(objects, 'ConfigMap'), app.name).data?.NODE_ENV,
      ]).toEqual([app.name, 'production']);
    }
    expect(generatedFrom(ofKind(objects, 'ConfigMap'), 'gateway').data?.DOCS_ENABLED).toBe('false');
    expect(generatedFrom(ofKind(objects, 'ConfigMap'), 'catalog').data?.CATALOG_SEED_DEMO).toBe(
      'false',
    );
  });

  it('runs released images from a registry, by version or digest, never latest', () => {
    for (const app of ATLAS_APPS) {
      const image = appContainerOf(named(ofKind(objects, 'Deployment'), app.name)).image ?? '';
      expect(image).toMatch(/^[a-z0-9.-]+\.[a-z]+(:\d+)?\/[^:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('deploys no data services: PostgreSQL, Kafka and Redis come from the platform', () => {
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    const names = ofKind(objects, 'Service').map((service) => service.metadata.name);
    expect(names.sort()).toEqual(ATLAS_APPS.map((app) => app.name).sort());
  });

  describe.each(ATLAS_APPS)('$name', (app) => {
    const deployment = named(ofKind(objects, 'Deployment'), app.name);
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};

    it('is scaled by a HorizontalPodAutoscaler from at least two replicas, which owns the count', () => {
      const autoscaler = named(ofKind(objects, 'HorizontalPodAutoscaler'), app.name);
      expect(autoscaler.spec?.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: app.name,
      });
      expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect(autoscaler.spec?.maxReplicas).toBeGreaterThan(autoscaler.spec?.minReplicas ?? 0);
      expect(deployment.spec?.replicas).toBeUndefined();
    });

    it('has a PodDisruptionBudget over its own pods that still lets a node drain', () => {
      const budget = named(ofKind(objects, 'PodDisruptionBudget'), app.name);
      expect(selects(budget.spec?.selector, podLabels)).toBe(true);
      const others = ATLAS_APPS.filter((other) => other.name !== app.name).map(
        (other) => podOf(other.name).labels,
      );
      expect(others.some((labels) => selects(budget.spec?.selector, labels))).toBe(false);
      expect(budget.spec?.maxUnavailable ?? 0).not.toBe(0);
    });

    it('spreads its pods over nodes and zones', () => {
      const constraints = podSpecOf(deployment).topologySpreadConstraints ?? [];
      expect(constraints.map((constraint) => constraint.topologyKey).sort()).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
      for (const constraint of constraints) {
        expect(selects(constraint.labelSelector, podLabels)).toBe(true);
        // Without the app name among the keys, all Atlas pods would be spread as one group.
        expect(constraint.matchLabelKeys).toContain('app.kubernetes.io/name');
      }
    });

    it('resolves DNS and reaches exactly the data services it uses', () => {
      const pod = podOf(app.name);
      expect(allows(policies, { from: pod, to: KUBE_DNS, port: 53, protocol: 'UDP' })).toBe(true);
      expect(allows(policies, { from: pod, to: DATA_SERVICE, port: 5432 })).toBe(app.postgres);
      expect(allows(policies, { from: pod, to: DATA_SERVICE, port: 9092 })).toBe(app.kafka);
      expect(allows(policies, { from: pod, to: DATA_SERVICE, port: 6379 })).toBe(app.redis);
    });

    it('accepts traffic from outside only if it is the gateway', () => {
      const pod = podOf(app.name);
      expect(allows(policies, { from: INTERNET, to: pod, port: app.port })).toBe(
        app.name === 'gateway',
      );
    });
  });

  it.each(ATLAS_APPS.filter((app) => app.name !== 'gateway'))(
    'lets the gateway call $name on its port',
    (app) => {
      expect(
        allows(policies, { from: podOf('gateway'), to: podOf(app.name), port: app.port }),
      ).toBe(true);
    },
  );

  it('lets every app fetch the JWKS from auth, and no service call another directly', () => {
    for (const app of ATLAS_APPS.filter((candidate) => candidate.name !== 'auth')) {
      expect([
        app.name,
        allows(policies, { from: podOf(app.name), to: podOf('auth'), port: 3001 }),
      ]).toEqual([app.name, true]);
    }
    expect(allows(policies, { from: podOf('orders'), to: podOf('payments'), port: 3004 })).toBe(
      false,
    );
    expect(allows(policies, { from: podOf('catalog'), to: podOf('orders'), port: 3003 })).toBe(
      false,
    );
  });

  it('lets the simulated payment provider in payments call back through the gateway', () => {
    expect(allows(policies, { from: podOf('payments'), to: podOf('gateway'), port: 3000 })).toBe(
      true,
    );
    expect(allows(policies, { from: podOf('orders'), to: podOf('gateway'), port: 3000 })).toBe(
      false,
    );
  });

  it('lets notifications deliver webhooks to the internet, but not to private addresses', () => {
    const notifications = podOf('notifications');
    expect(allows(policies, { from: notifications, to: INTERNET, port: 443 })).toBe(true);
    expect(
      allows(policies, { from: notifications, to: { kind: 'address', ip: '10.1.2.3' }, port: 443 }),
    ).toBe(false);
    expect(allows(policies, { from: podOf('orders'), to: INTERNET, port: 443 })).toBe(false);
  });

  it('denies by default: an unlisted pod can neither receive nor send', () => {
    const stranger: Endpoint = {
      kind: 'pod',
      labels: { 'app.kubernetes.io/name': 'debug-shell' },
      httpPort: 8080,
    };
    expect(allows(policies, { from: INTERNET, to: stranger, port: 8080 })).toBe(false);
    expect(allows(policies, { from: stranger, to: INTERNET, port: 443 })).toBe(false);
  });

  it('routes the public API through an Ingress to the gateway, with TLS, and keeps /metrics inside', () => {
    const ingress = named(ofKind(objects, 'Ingress'), 'gateway');
    expect(ingress.spec?.tls?.[0]?.secretName).toBeTruthy();
    const paths = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
    expect(paths.map((path) => path.path ?? '').sort()).toEqual(['/.well-known', '/v1']);
    for (const path of paths) {
      expect(path.backend.service?.name).toBe('gateway');
      expect(
        String(path.backend.service?.port?.name ?? path.backend.service?.port?.number),
      ).toMatch(/^(http|3000)$/);
    }
  });

  it('puts everything in the atlas namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = named(ofKind(objects, 'Namespace'), 'atlas');
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(
      objects.filter(
        (object) => object.kind !== 'Namespace' && object.metadata.namespace !== 'atlas',
      ),
    ).toEqual([]);
  });
});
