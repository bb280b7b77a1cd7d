import { Body, Controller, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GraphqlRequest, GraphqlResponse } from '#atlas/contracts';
import { GATEWAY_ROUTES } from '../routes/gateway-routes.js';
import { OperationRoute } from '../routes/operation-route.decorator.js';
import { GraphqlExecutor } from './graphql.executor.js';

@Controller()
export class GraphqlRoutes {
  constructor(private readonly graphql: GraphqlExecutor) {}

  // Public because `products` and `product` are; `me` and `myOrders` verify the token
  // themselves, with the REST routes' check of the token (graphql.executor.ts).
  @OperationRoute(GATEWAY_ROUTES.graphql)
  run(
    @Body({ schema: GraphqlRequest }) body: GraphqlRequest,
    @Req() request: FastifyRequest,
  ): Promise<GraphqlResponse> {
    return this.graphql.run(body, request);
  }
}
