import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKey,
  PageQuery,
  PlaceOrderRequest,
  type Order,
  type OrderAccepted,
  type OrderList,
} from '#atlas/contracts';
import { badRequest } from '#atlas/http';
import { CurrentUser, RequirePermissions, type AuthenticatedUser } from '#atlas/security';
import { OrdersQueries, type OrderHistoryEntry } from './orders.queries.js';
import { OrdersService } from './orders.service.js';

@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly queries: OrdersQueries,
  ) {}

  /** 202: the order is accepted and its saga runs on; poll or subscribe for the outcome. */
  @RequirePermissions('orders:place')
  @Post()
  @HttpCode(202)
  place(
    @Body({ schema: PlaceOrderRequest }) body: PlaceOrderRequest,
    @Headers(IDEMPOTENCY_KEY_HEADER) key: string | undefined,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderAccepted> {
    const parsed = IdempotencyKey.safeParse(key);
    if (!parsed.success) {
      throw badRequest(
        'ORDERS.IDEMPOTENCY_KEY_REQUIRED',
        'Send an Idempotency-Key header (8 to 128 letters, digits or . _ : -), unique per order.',
      );
    }
    return this.orders.place(user.id, body, parsed.data);
  }

  @Get()
  list(
    @Query({ schema: PageQuery }) page: PageQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderList> {
    return this.queries.list(user, page);
  }

  @Get(':id')
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Order> {
    return this.queries.get(id, user);
  }

  @Get(':id/events')
  events(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderHistoryEntry[]> {
    return this.queries.history(id, user);
  }

  /**
   * The owner (or an admin) cancels an order that has not ended yet; the saga gives back what
   * was reserved. 409 once the order is CONFIRMED or CANCELLED; 404 for anyone else's order.
   */
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Order> {
    await this.orders.cancel(id, user);
    return this.queries.get(id, user);
  }
}
