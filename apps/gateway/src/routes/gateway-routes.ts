import { ADMIN_OPERATIONS } from './admin.operations.js';
import { AUTH_OPERATIONS } from './auth.operations.js';
import { CATALOG_OPERATIONS } from './catalog.operations.js';
import { GRAPHQL_OPERATIONS } from './graphql.operations.js';
import { NOTIFICATIONS_OPERATIONS } from './notifications.operations.js';
import type { RouteTable } from './operation.js';
import { OPS_OPERATIONS } from './ops.operations.js';
import { ORDERS_OPERATIONS } from './orders.operations.js';
import { PAYMENTS_OPERATIONS } from './payments.operations.js';

/**
 * The gateway's public API, one entry per operation, keyed by its operationId. The Nest routes
 * (forwarding.routes.ts, and the hand-written few through `OperationRoute`) and the OpenAPI
 * document (docs/openapi-document.ts) are both made from it, so they cannot disagree.
 */
export const GATEWAY_ROUTES = {
  ...AUTH_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...CATALOG_OPERATIONS,
  ...ORDERS_OPERATIONS,
  ...PAYMENTS_OPERATIONS,
  ...NOTIFICATIONS_OPERATIONS,
  ...GRAPHQL_OPERATIONS,
  ...OPS_OPERATIONS,
} as const satisfies RouteTable;
