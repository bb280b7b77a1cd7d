import { describe, expect, it } from '@jest/globals';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import {
  APP_SHUTDOWN_LIMIT_SECONDS,
  ATLAS_APPS,
  SECRET_VARIABLES,
  allowedVariables,
  expectedEnvironment,
  writablePaths,
  type AtlasApp,
} from './atlas-apps.js';
import {
  appContainerOf,
  generatedFrom,
  named,
  ofKind,
  podSpecOf,
  renderKustomization,
  type KubeObject,
} from './kubernetes-objects.js';
import { findUnknownFields, validateAgainstSchema } from './kubernetes-schema.js';
import { selects } from './network-policy.js';
import { parseQuantity } from './quantity.js';

// What holds in every overlay. Overlay-specific checks: k8s-dev and k8s-prod specs.
const OVERLAYS = ['dev', 'prod'] as const;
const rendered = new Map(
  OVERLAYS.map((overlay) => [overlay, renderKustomization(`k8s/overlays/${overlay}`)]),
);

function overlayObjects(overlay: (typeof OVERLAYS)[number]): KubeObject[] {
  const objects = rendered.get(overlay);
  if (!objects) throw new Error(`${overlay} was not rendered`);
  return objects;
}

/** The variables a container gets: its ConfigMap, its Secret (when rendered) and `env`. */
function environmentOf(objects: readonly KubeObject[], container: IContainer, app: AtlasApp) {
  const config = new Map<string, string>();
  const secretKeys = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = named(ofKind(objects, 'ConfigMap'), source.configMapRef.name ?? '');
      for (const [key, value] of Object.entries(configMap.data ?? {})) config.set(key, value);
    }
    if (source.secretRef) {
      const secret = ofKind(objects, 'Secret').find(
        (candidate) => candidate.metadata.name === source.secretRef?.name,
      );
      // Not rendered: the platform provides it (prod), with exactly the app's secret variables.
      const keys = secret
        ? Object.keys({ ...secret.data, ...secret.stringData })
        : expectedEnvironment(app).required.filter((name) => SECRET_VARIABLES.has(name));
      for (const key of keys) secretKeys.add(key);
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) config.set(variable.name, variable.value);
    else secretKeys.add(variable.name);
  }
  return { config, secretKeys, names: new Set([...config.keys(), ...secretKeys]) };
}

function probePath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path;
}

function probePort(container: IContainer, probe: IProbe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const objects = overlayObjects(overlay);

  it('renders objects of known kinds that pass their schemas', async () => {
    const failures: string[] = [];
    for (const object of objects) {
      try {
        await validateAgainstSchema(object);
      } catch (error) {
        failures.push(`${object.kind}/${object.metadata.name}: ${String(error)}`);
      }
    }
    expect(objects.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('has no field that its kind does not define (a misspelling the schemas let through)', () => {
    expect(findUnknownFields(objects)).toEqual([]);
  });

  it('labels every object as part of atlas, and every app object with its app name', () => {
    const unlabelled = objects
      .filter((object) => object.metadata.labels?.['app.kubernetes.io/part-of'] !== 'atlas')
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(unlabelled).toEqual([]);
    const appObjects = [
      ...ofKind(objects, 'Deployment'),
      ...ofKind(objects, 'StatefulSet'),
      ...ofKind(objects, 'Service'),
    ];
    const nameless = appObjects
      .filter((object) => !object.metadata.labels?.['app.kubernetes.io/name'])
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(nameless).toEqual([]);
  });

  it('puts every Secret variable in a Secret, never in a ConfigMap', () => {
    const leaked = ofKind(objects, 'ConfigMap').flatMap((configMap) =>
      Object.keys(configMap.data ?? {})
        .filter((key) => SECRET_VARIABLES.has(key))
        .map((key) => `${configMap.metadata.name}: ${key}`),
    );
    expect(leaked).toEqual([]);
  });

  it('points every in-namespace URL and broker address at a Service on that port', () => {
    const services = ofKind(objects, 'Service');
    const unresolved: string[] = [];
    const addresses = ofKind(objects, 'ConfigMap').flatMap((configMap) =>
      Object.entries(configMap.data ?? {}).flatMap(([key, value]) =>
        value
          .split(',')
          .map((address) => ({ where: `${configMap.metadata.name}.${key}`, address })),
      ),
    );
    for (const { where, address } of addresses) {
      const match = /^(?:[a-z]+:\/\/)?([a-z0-9-]+):(\d+)(?:\/.*)?$/.exec(address);
      const [, host, port] = match ?? [];
      // Not an address, one in another namespace (it has dots), or the browser's own origin.
      if (!host || host === 'localhost') continue;
      const service = services.find((candidate) => candidate.metadata.name === host);
      if (!service?.spec?.ports?.some((servicePort) => servicePort.port === Number(port))) {
        unresolved.push(`${where}: ${address}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  describe.each(ATLAS_APPS)('$name', (app) => {
    const deployment = named(ofKind(objects, 'Deployment'), app.name);
    const container = appContainerOf(deployment);
    const pod = podSpecOf(deployment);
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};

    it('has its Deployment, Service and ConfigMap', () => {
      expect(deployment.metadata.labels?.['app.kubernetes.io/name']).toBe(app.name);
      expect(named(ofKind(objects, 'Service'), app.name)).toBeDefined();
      expect(generatedFrom(ofKind(objects, 'ConfigMap'), app.name)).toBeDefined();
    });

    it('runs its own image', () => {
      expect(container.image).toMatch(new RegExp(`(^atlas-|/)${app.name}([:@]|$)`));
    });

    it('listens on its port, and its Service selects only its pods on that port', () => {
      const httpPort = container.ports?.find((port) => port.name === 'http');
      expect(httpPort?.containerPort).toBe(app.port);
      expect(selects(deployment.spec?.selector, podLabels)).toBe(true);
      const service = named(ofKind(objects, 'Service'), app.name);
      expect(service.spec?.selector?.['app.kubernetes.io/name']).toBe(app.name);
      expect(selects({ matchLabels: service.spec?.selector ?? {} }, podLabels)).toBe(true);
      const servicePort = service.spec?.ports?.find((port) => port.name === 'http');
      expect(servicePort?.port).toBe(app.port);
      expect([httpPort?.name, httpPort?.containerPort]).toContain(servicePort?.targetPort);
    });

    it('is probed on /health/live and /health/ready of its own port', () => {
      expect(probePath(container.startupProbe)).toBe('/health/live');
      expect(probePath(container.livenessProbe)).toBe('/health/live');
      expect(probePath(container.readinessProbe)).toBe('/health/ready');
      for (const probe of [
        container.startupProbe,
        container.livenessProbe,
        container.readinessProbe,
      ]) {
        expect(probePort(container, probe)).toBe(app.port);
      }
    });

    it('runs as non-root with a read-only root, no privilege escalation, no capabilities and RuntimeDefault seccomp', () => {
      const podSecurity = pod.securityContext;
      const security = container.securityContext;
      expect(security?.runAsNonRoot ?? podSecurity?.runAsNonRoot).toBe(true);
      expect(security?.runAsUser ?? podSecurity?.runAsUser).not.toBe(0);
      expect(security?.readOnlyRootFilesystem).toBe(true);
      expect(security?.allowPrivilegeEscalation).toBe(false);
      expect(security?.privileged ?? false).toBe(false);
      expect(security?.capabilities?.drop).toContain('ALL');
      expect(security?.capabilities?.add ?? []).toEqual([]);
      expect((security?.seccompProfile ?? podSecurity?.seccompProfile)?.type).toBe(
        'RuntimeDefault',
      );
      expect(pod.hostNetwork ?? false).toBe(false);
    });

    it('writes only to an emptyDir at /tmp, and to the volumes its app writes to', () => {
      const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === '/tmp');
      const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);
      expect(volume?.emptyDir).toBeDefined();
      const others = (container.volumeMounts ?? []).filter((other) => other !== mount);
      expect(others.map((other) => other.mountPath)).toEqual(
        writablePaths(app).map((writable) => writable.path),
      );
      const { config } = environmentOf(objects, container, app);
      for (const writable of writablePaths(app)) {
        // The app is told where the volume is, and the volume is a claim of this overlay.
        expect(config.get(writable.variable)).toBe(writable.path);
        const name = others.find((other) => other.mountPath === writable.path)?.name;
        const claim = pod.volumes?.find((candidate) => candidate.name === name)
          ?.persistentVolumeClaim?.claimName;
        expect(ofKind(objects, 'PersistentVolumeClaim').map((pvc) => pvc.metadata.name)).toContain(
          claim,
        );
      }
    });

    it('requests and limits CPU and memory, requests within limits', () => {
      const { requests = {}, limits = {} } = container.resources ?? {};
      expect(Object.keys(requests)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      expect(Object.keys(limits)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      const overLimit = Object.entries(requests).filter(
        ([resource, requested]) =>
          parseQuantity(requested) > parseQuantity(limits[resource] ?? Infinity),
      );
      expect(overLimit).toEqual([]);
    });

    it('drains before it stops, and is given longer than the app takes to stop', () => {
      const { config } = environmentOf(objects, container, app);
      const drainSeconds = Number(config.get('SHUTDOWN_DRAIN_MS')) / 1000;
      const preStop = container.lifecycle?.preStop;
      // Either the app keeps serving while unready, or a preStop hook waits before SIGTERM.
      expect(drainSeconds > 0 || preStop !== undefined).toBe(true);
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      expect(grace).toBeGreaterThan(APP_SHUTDOWN_LIMIT_SECONDS);
      expect(grace).toBeGreaterThan(drainSeconds + 10);
    });

    it('gets exactly the environment the app parses, from its ConfigMap and Secret', () => {
      const { config, names } = environmentOf(objects, container, app);
      const { required } = expectedEnvironment(app);
      const allowed = allowedVariables(app);
      expect(required.filter((name) => !names.has(name))).toEqual([]);
      expect([...names].filter((name) => !allowed.has(name))).toEqual([]);
      expect(config.get('HOST')).toBe('0.0.0.0');
      expect(config.get('PORT')).toBe(String(app.port));
      expect(config.get('OTEL_SERVICE_NAME')).toBe(`atlas-${app.name}`);
      expect(config.get('NODE_ENV')).toMatch(/^(development|production)$/);
    });

    it('takes no service links and no API token it does not use', () => {
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
    });
  });
});
