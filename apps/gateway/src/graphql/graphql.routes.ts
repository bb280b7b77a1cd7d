import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GraphqlRequest, GraphqlResponse } from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { GRAPHQL_LIMITS, GraphqlExecutor } from './graphql.executor.js';

@ApiTags('graphql')
@Controller('graphql')
export class GraphqlRoutes {
  constructor(private readonly graphql: GraphqlExecutor) {}

  // Public because `products` and `product` are; `me` and `myOrders` verify the token
  // themselves, with the REST routes' check of the token (graphql.executor.ts).
  @Public()
  @Post()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'GraphQL: products, the caller (me) and their orders with each item’s product',
    description:
      'Queries `products(q, page, limit)`, `product(id)` (public), `me` and `myOrders(page, ' +
      'limit)` (need a bearer token). Answers 200 with `data` and/or `errors`, each error ' +
      `with a stable \`extensions.code\`. At most ${GRAPHQL_LIMITS.maxDepth} levels of nesting ` +
      `and a cost (the most objects the answer may hold) of ${GRAPHQL_LIMITS.maxCost}. ` +
      'Introspection is on where these docs are.',
  })
  @ApiJsonBody(GraphqlRequest)
  @ApiJsonResponse(
    200,
    'The data, and an error for each part that could not be answered',
    GraphqlResponse,
  )
  @ApiProblems(400, 413, 415)
  run(
    @Body({ schema: GraphqlRequest }) body: GraphqlRequest,
    @Req() request: FastifyRequest,
  ): Promise<GraphqlResponse> {
    return this.graphql.run(body, request);
  }
}
