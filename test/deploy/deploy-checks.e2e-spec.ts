import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { lintComposeFile } from './compose-lint.js';
import {
  REPO_ROOT,
  appContainerOf,
  named,
  ofKind,
  renderKustomization,
  type KubeObject,
} from './kubernetes-objects.js';
import { findUnknownFields, validateAgainstSchema } from './kubernetes-schema.js';
import { allows, type Endpoint } from './network-policy.js';

// The other specs pass when the files are right; these show that their checks fail when a
// file is wrong, on copies of the real files with one mistake planted in each.

const objects = renderKustomization('k8s/overlays/prod');
const deployment = named(ofKind(objects, 'Deployment'), 'orders');

/** A copy of the orders Deployment with one change made to its `app` container. */
function ordersWith(change: (container: IContainer) => void): KubeObject {
  const copy = structuredClone(deployment);
  change(appContainerOf(copy));
  return copy;
}

describe('the unknown-field check', () => {
  it('reports a misspelled field at any depth, and nothing for a correct object', () => {
    const misspelled = ordersWith((container) => {
      Object.assign(container, { readinessprobe: container.readinessProbe });
      delete container.readinessProbe;
      Object.assign(container, { securityContext: { readOnlyRootFileSystem: true } });
    });
    expect(findUnknownFields([deployment])).toEqual([]);
    expect(findUnknownFields([misspelled]).sort()).toEqual([
      'Deployment/orders: spec.template.spec.containers[0].readinessprobe',
      'Deployment/orders: spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem',
    ]);
  });

  it('passes the schema check, which is why it is needed', async () => {
    const misspelled = ordersWith((container) => {
      Object.assign(container, { livenessprobe: container.livenessProbe });
    });
    await expect(validateAgainstSchema(misspelled)).resolves.toBeUndefined();
  });
});

describe('the schema check', () => {
  it('rejects a malformed quantity', async () => {
    const bad = ordersWith((container) => {
      container.resources = { limits: { memory: '512 MB' } };
    });
    await expect(validateAgainstSchema(bad)).rejects.toThrow(/quantity/);
  });

  it('rejects a missing required field', async () => {
    const bad = ordersWith((container) => {
      Reflect.deleteProperty(container, 'name');
    });
    await expect(validateAgainstSchema(bad)).rejects.toThrow(/name/);
  });

  it('rejects a kind it has no schema for', async () => {
    const custom: KubeObject = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name: 'atlas' },
    };
    await expect(validateAgainstSchema(custom)).rejects.toThrow(/No kubernetes-models schema/);
  });
});

describe('the NetworkPolicy evaluator', () => {
  const pod: Endpoint = {
    kind: 'pod',
    labels: { 'app.kubernetes.io/name': 'orders' },
    httpPort: 3003,
  };
  const internet: Endpoint = { kind: 'address', ip: '203.0.113.10' };

  it('lets everything through when no policy selects the pod', () => {
    expect(allows([], { from: internet, to: pod, port: 3003 })).toBe(true);
  });

  it('stops everything once a policy with no rules selects the pod', () => {
    const denyAll: INetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
    expect(allows([denyAll], { from: internet, to: pod, port: 3003 })).toBe(false);
    expect(allows([denyAll], { from: pod, to: internet, port: 443 })).toBe(false);
  });
});

describe('the Compose check', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'atlas-compose-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reports a misspelled service key against the Compose specification', () => {
    const original = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const file = path.join(directory, 'docker-compose.yml');
    writeFileSync(
      file,
      original.replace(
        '    healthcheck:\n      test: [CMD, pg_isready',
        '    healtcheck:\n      test: [CMD, pg_isready',
      ),
    );
    expect(lintComposeFile(file).map((problem) => problem.rule)).toContain('invalid-schema');
  });
});
