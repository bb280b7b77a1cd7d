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
} from '@nestjs/common';
import {
  CreateWebhookSubscriptionRequest,
  PageQuery,
  type CreatedWebhookSubscription,
  type Page,
  type WebhookDelivery,
  type WebhookSubscription,
} from '#atlas/contracts';
import { CurrentUser, type AuthenticatedUser } from '#atlas/security';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';

/** A customer's webhooks: their subscriptions and each one's delivery log, theirs only. */
@Controller('v1/webhooks/subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @Post()
  subscribe(
    @Body({ schema: CreateWebhookSubscriptionRequest }) body: CreateWebhookSubscriptionRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreatedWebhookSubscription> {
    return this.subscriptions.subscribe(user.id, body);
  }

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<WebhookSubscription[]> {
    return this.subscriptions.list(user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  unsubscribe(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    return this.subscriptions.unsubscribe(user.id, id);
  }

  @Get(':id/deliveries')
  deliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query({ schema: PageQuery }) page: PageQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Page<WebhookDelivery>> {
    return this.subscriptions.deliveries(user.id, id, page);
  }
}
