import { GraphqlRequest, GraphqlResponse } from '#atlas/contracts';
import { GRAPHQL_LIMITS } from '../graphql/graphql.executor.js';
import type { RouteTable } from './operation.js';

/** GraphQL, answered by the gateway from the services' REST APIs. */
export const GRAPHQL_OPERATIONS = {
  graphql: {
    method: 'POST',
    path: '/graphql',
    // `products` and `product` are public; `me` and `myOrders` check the token themselves.
    access: 'token-optional',
    tag: 'graphql',
    summary: 'GraphQL: products, the caller (me) and their orders with each item’s product',
    description:
      'Queries `products(q, page, limit)`, `product(id)` (public), `me` and `myOrders(page, ' +
      'limit)` (need a bearer token). Answers 200 with `data` and/or `errors`, each error ' +
      `with a stable \`extensions.code\`. At most ${GRAPHQL_LIMITS.maxDepth} levels of nesting ` +
      `and a cost (the most objects the answer may hold) of ${GRAPHQL_LIMITS.maxCost}. ` +
      'Introspection is on where these docs are.',
    request: { body: GraphqlRequest },
    responses: {
      200: {
        description: 'The data, and an error for each part that could not be answered',
        body: GraphqlResponse,
      },
    },
    problems: [413, 415],
    handWritten: 'graphql/graphql.routes.ts: executed here, reading from several services',
  },
} as const satisfies RouteTable;
