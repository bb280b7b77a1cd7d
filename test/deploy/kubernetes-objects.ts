import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One object of a rendered kustomization, before anything is known about its kind. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Renders a kustomization the way `kubectl apply -k` would, without a cluster. */
export function renderKustomization(directory: string): KubeObject[] {
  let yaml: string;
  try {
    yaml = execFileSync('kubectl', ['kustomize', directory], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Not `instanceof Error`: child_process errors come from outside jest's module realm.
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
      throw new Error(`Rendering ${directory} needs kubectl (1.32, with kustomize) on the PATH`, {
        cause: error,
      });
    }
    throw error;
  }
  return parseKubernetesYaml(yaml);
}

export function parseKubernetesYaml(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml).map((document, index) => {
    if (document.errors.length > 0) throw document.errors[0];
    const object: unknown = document.toJS();
    if (!isKubeObject(object)) {
      throw new Error(`Document ${index} is not a Kubernetes object: ${JSON.stringify(object)}`);
    }
    return object;
  });
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    'apiVersion' in value &&
    typeof value.apiVersion === 'string' &&
    'kind' in value &&
    typeof value.kind === 'string' &&
    'metadata' in value &&
    typeof value.metadata === 'object' &&
    value.metadata !== null &&
    'name' in value.metadata &&
    typeof value.metadata.name === 'string'
  );
}

/** The kinds the checks read field by field, with their kubernetes-models shapes. */
interface KindShapes {
  ConfigMap: IConfigMap;
  Deployment: IDeployment;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  Ingress: IIngress;
  Namespace: INamespace;
  NetworkPolicy: INetworkPolicy;
  PersistentVolumeClaim: IPersistentVolumeClaim;
  PodDisruptionBudget: IPodDisruptionBudget;
  Secret: ISecret;
  Service: IService;
  StatefulSet: IStatefulSet;
}

/**
 * The objects of one kind, typed. Trusting the kind for the shape is safe as far as the schema
 * check goes: the specs validate every rendered object against the same kubernetes-models schemas.
 */
export function ofKind<K extends keyof KindShapes>(
  objects: readonly KubeObject[],
  kind: K,
): Array<KindShapes[K] & KubeObject> {
  return objects.filter((object): object is KindShapes[K] & KubeObject => object.kind === kind);
}

export function named<T extends KubeObject>(objects: readonly T[], name: string): T {
  const found = objects.find((object) => object.metadata.name === name);
  if (!found) throw new Error(`No object named ${name} among ${describe(objects)}`);
  return found;
}

/** ConfigMaps and Secrets from generators carry a content hash: `orders-9h2bmch2h7`. */
export function generatedFrom<T extends KubeObject>(objects: readonly T[], name: string): T {
  const found = objects.find((object) =>
    new RegExp(`^${name}-[a-z0-9]{10}$`).test(object.metadata.name),
  );
  if (!found) throw new Error(`No object generated from ${name} among ${describe(objects)}`);
  return found;
}

export function podSpecOf(workload: IDeployment | IStatefulSet): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.metadata?.name} has no pod spec`);
  return spec;
}

/** Every Atlas Deployment runs exactly one container, named `app`. */
export function appContainerOf(deployment: IDeployment): IContainer {
  const containers = podSpecOf(deployment).containers;
  const [container] = containers;
  if (containers.length !== 1 || !container || container.name !== 'app') {
    throw new Error(`${deployment.metadata?.name} must run one container named "app"`);
  }
  return container;
}

function describe(objects: readonly KubeObject[]): string {
  return objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ') || 'none';
}
