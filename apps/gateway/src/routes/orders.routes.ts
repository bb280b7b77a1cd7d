import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Order, OrderAccepted, OrderList, PageQuery, PlaceOrderRequest } from '#atlas/contracts';
import { RequirePermissions } from '#atlas/security';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @RequirePermissions('orders:place')
  @Post()
  @ApiOperation({ summary: 'Place an order; the saga confirms or cancels it asynchronously' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'unique per order' })
  @ApiJsonBody(PlaceOrderRequest)
  @ApiJsonResponse(202, 'Accepted, status PENDING', OrderAccepted)
  @ApiProblems(400, 401, 403, 422)
  place(
    @Body({ schema: PlaceOrderRequest }) body: PlaceOrderRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('orders', request, reply, body);
  }

  @Get()
  @ApiOperation({ summary: 'The caller’s orders, newest first' })
  @ApiJsonResponse(200, 'A page of orders', OrderList)
  @ApiProblems(400, 401)
  list(
    @Query({ schema: PageQuery }) _page: PageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('orders', request, reply);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order (owner or admin; others get 404)' })
  @ApiJsonResponse(200, 'The order', Order)
  @ApiProblems(400, 401, 404)
  get(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('orders', request, reply);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel an order still in progress (owner or admin); reserved stock and payment are given back',
  })
  @ApiJsonResponse(200, 'The cancelled order', Order)
  @ApiProblems(400, 401, 404, 409)
  cancel(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('orders', request, reply);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The order’s event history (owner or admin)' })
  @ApiJsonResponse(200, 'Events, oldest first')
  @ApiProblems(400, 401, 404)
  events(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('orders', request, reply);
  }
}
