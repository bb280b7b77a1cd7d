import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CreatedWebhookSubscription,
  CreateWebhookSubscriptionRequest,
  PageQuery,
  pageOf,
  WebhookDelivery,
  WebhookSubscription,
} from '#atlas/contracts';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks/subscriptions')
export class WebhooksRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post()
  @ApiOperation({
    summary: 'Have your order events POSTed to a URL, signed (Atlas-Signature, see docs)',
    description:
      'The URL must resolve to public addresses only. The answer carries the signing secret, ' +
      'shown this once.',
  })
  @ApiJsonBody(CreateWebhookSubscriptionRequest)
  @ApiJsonResponse(201, 'The subscription and its secret', CreatedWebhookSubscription)
  @ApiProblems(400, 401, 409, 422)
  subscribe(
    @Body({ schema: CreateWebhookSubscriptionRequest }) body: CreateWebhookSubscriptionRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('notifications', request, reply, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook subscriptions' })
  @ApiJsonResponse(200, 'Subscriptions, oldest first', z.array(WebhookSubscription))
  @ApiProblems(401)
  list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('notifications', request, reply);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop a subscription (its delivery log goes with it)' })
  @ApiProblems(400, 401, 404)
  unsubscribe(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('notifications', request, reply);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'A subscription’s deliveries, newest first: attempts and outcome' })
  @ApiJsonResponse(200, 'A page of deliveries', pageOf(WebhookDelivery))
  @ApiProblems(400, 401, 404)
  deliveries(
    @Param('id', ParseUUIDPipe) _id: string,
    @Query({ schema: PageQuery }) _page: PageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('notifications', request, reply);
  }
}
