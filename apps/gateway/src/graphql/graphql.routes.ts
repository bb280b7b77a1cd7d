import { Body, Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphqlRequest, GraphqlResponse } from '#atlas/contracts';
import { GATEWAY_ROUTES } from '../routes/gateway-routes.js';
import { OperationRoute } from '../routes/operation-route.decorator.js';
import { GraphqlExecutor } from './graphql.executor.js';

@Controller()
export class GraphqlRoutes {
  constructor(private readonly graphql: GraphqlExecutor) {}

  // Public because `products` and `product` are; `me` and `myOrders` verify the token
  // themselves, with the REST routes' guard (graphql-authentication.ts).
  @OperationRoute(GATEWAY_ROUTES.graphql)
  run(
    @Body({ schema: GraphqlRequest }) body: GraphqlRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GraphqlResponse> {
    return this.graphql.run(body, request, reply);
  }
}
