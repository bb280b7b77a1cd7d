import { z } from 'zod';
import type { RouteTable } from './operation.js';

const SERVED_BY_EVERY_APP = 'libs/observability: every app serves it, the gateway included';

/** Probes and metrics, for operators and Kubernetes rather than for clients. */
export const OPS_OPERATIONS = {
  liveness: {
    method: 'GET',
    path: '/health/live',
    access: 'public',
    tag: 'ops',
    summary: 'Liveness: the process can make progress',
    description:
      'Never looks at dependencies, so an outage of a database or of Redis does not make ' +
      'Kubernetes restart every pod.',
    responses: {
      200: { description: 'Alive', body: z.object({ status: z.literal('ok') }) },
    },
    handWritten: SERVED_BY_EVERY_APP,
  },
  readiness: {
    method: 'GET',
    path: '/health/ready',
    access: 'public',
    tag: 'ops',
    summary: 'Readiness: the gateway can serve now',
    description:
      'Checks what the gateway itself needs (its cache); a service being down is answered per ' +
      'route (502), not by taking the whole edge out of the load balancer. Answers 503 with ' +
      'the same report when not ready, or while shutting down.',
    responses: { 200: { description: 'Ready, with the result of each check' } },
    handWritten: SERVED_BY_EVERY_APP,
  },
  metrics: {
    method: 'GET',
    path: '/metrics',
    access: 'public',
    tag: 'ops',
    summary: 'Prometheus metrics',
    description:
      'Request rates and latencies, upstream calls and circuit states, rate-limit refusals, ' +
      'and the Node.js process, in the Prometheus text format.',
    responses: { 200: { description: 'The metrics', content: ['text/plain'] } },
    handWritten: SERVED_BY_EVERY_APP,
  },
} as const satisfies RouteTable;
