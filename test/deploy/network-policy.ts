import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

type Labels = Readonly<Record<string, string>>;

/** A pod in the policies' own namespace, a pod in another namespace, or an address outside. */
export type Endpoint =
  | { readonly kind: 'pod'; readonly labels: Labels; readonly httpPort?: number }
  | { readonly kind: 'pod-elsewhere'; readonly namespaceLabels: Labels; readonly labels: Labels }
  | { readonly kind: 'address'; readonly ip: string };

export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * Whether the policies of one namespace let a connection through, by the NetworkPolicy rules:
 * a pod that no policy of a type selects is open in that direction; once selected, only what
 * some rule allows gets through. Both ends are checked: the source's egress if the source is
 * one of this namespace's pods, the destination's ingress if the destination is.
 * Named ports resolve to the destination pod's `http` port, the only name Atlas uses.
 */
export function allows(policies: readonly INetworkPolicy[], flow: Flow): boolean {
  const protocol = flow.protocol ?? 'TCP';
  const egressOk =
    flow.from.kind !== 'pod' ||
    directionAllows(
      policies,
      'Egress',
      flow.from.labels,
      (rulePeers, rulePorts) =>
        peersMatch(rulePeers, flow.to) && portsMatch(rulePorts, flow, protocol),
    );
  const ingressOk =
    flow.to.kind !== 'pod' ||
    directionAllows(
      policies,
      'Ingress',
      flow.to.labels,
      (rulePeers, rulePorts) =>
        peersMatch(rulePeers, flow.from) && portsMatch(rulePorts, flow, protocol),
    );
  return egressOk && ingressOk;
}

function directionAllows(
  policies: readonly INetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  podLabels: Labels,
  ruleAllows: (
    peers: INetworkPolicyPeer[] | undefined,
    ports: INetworkPolicyPort[] | undefined,
  ) => boolean,
): boolean {
  const selecting = policies.filter(
    (policy) =>
      policyTypes(policy).includes(direction) && selects(policy.spec?.podSelector, podLabels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    direction === 'Ingress'
      ? (policy.spec?.ingress ?? []).some((rule) => ruleAllows(rule.from, rule.ports))
      : (policy.spec?.egress ?? []).some((rule) => ruleAllows(rule.to, rule.ports)),
  );
}

function policyTypes(policy: INetworkPolicy): string[] {
  if (policy.spec?.policyTypes) return policy.spec.policyTypes;
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peersMatch(peers: INetworkPolicyPeer[] | undefined, endpoint: Endpoint): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) {
      return (
        endpoint.kind === 'address' &&
        inCidr(endpoint.ip, peer.ipBlock.cidr) &&
        !(peer.ipBlock.except ?? []).some((cidr) => inCidr(endpoint.ip, cidr))
      );
    }
    if (peer.namespaceSelector) {
      return (
        endpoint.kind === 'pod-elsewhere' &&
        selects(peer.namespaceSelector, endpoint.namespaceLabels) &&
        (!peer.podSelector || selects(peer.podSelector, endpoint.labels))
      );
    }
    return endpoint.kind === 'pod' && selects(peer.podSelector, endpoint.labels);
  });
}

function portsMatch(
  ports: INetworkPolicyPort[] | undefined,
  flow: Flow,
  protocol: string,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === 'string') {
      return flow.to.kind === 'pod' && rule.port === 'http' && flow.to.httpPort === flow.port;
    }
    return rule.endPort === undefined
      ? rule.port === flow.port
      : flow.port >= rule.port && flow.port <= rule.endPort;
  });
}

/** A missing selector selects nothing; an empty one selects everything. */
export function selects(selector: ILabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const byExpression = (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`Unknown selector operator ${expression.operator}`);
    }
  });
  return byLabel && byExpression;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toNumber(ip) & mask) >>> 0 === (toNumber(base) & mask) >>> 0;
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((sum, octet) => (sum << 8) + Number(octet), 0) >>> 0;
}
