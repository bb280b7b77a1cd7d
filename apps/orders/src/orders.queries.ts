import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Order as OrderDto, OrderList, PageQuery } from '#atlas/contracts';
import { notFound } from '#atlas/http';
import { can, type AuthenticatedUser } from '#atlas/security';
import type { Order } from './domain/order.js';
import { OrderEventStore } from './event-store/order-event-store.js';
import { OrderView, toOrderDto } from './read-model/order-view.entity.js';

export interface OrderHistoryEntry {
  version: number;
  type: string;
  data: unknown;
  occurredAt: string;
}

/**
 * Reads go straight to the read model. Someone else's order is answered exactly like a
 * missing one (404), so ids cannot be probed for existence.
 *
 * The read model is projected a moment after the events commit. Commands that answer a client
 * wait for it, so a client reads its own writes; and a read by id that finds no view (another
 * replica's write not projected yet, or a rebuild in progress on a fresh table) is answered
 * from the order's events instead of with a wrong 404. Lists are eventually consistent.
 */
@Injectable()
export class OrdersQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: OrderEventStore,
  ) {}

  async get(id: string, caller: AuthenticatedUser): Promise<OrderDto> {
    return this.visible(id, caller);
  }

  async list(caller: AuthenticatedUser, page: PageQuery): Promise<OrderList> {
    const [views, total] = await this.dataSource.getRepository(OrderView).findAndCount({
      where: { customerId: caller.id },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page.page - 1) * page.limit,
      take: page.limit,
    });
    return { items: views.map(toOrderDto), page: page.page, limit: page.limit, total };
  }

  async history(id: string, caller: AuthenticatedUser): Promise<OrderHistoryEntry[]> {
    await this.visible(id, caller);
    const records = await this.events.history(this.dataSource.manager, id);
    return records.map((record) => ({
      version: record.version,
      type: record.type,
      data: record.data,
      occurredAt: record.occurredAt.toISOString(),
    }));
  }

  private async visible(id: string, caller: AuthenticatedUser): Promise<OrderDto> {
    const view = await this.dataSource.getRepository(OrderView).findOneBy({ id });
    const order = view ? undefined : await this.events.load(this.dataSource.manager, id);
    const owner = view?.customerId ?? order?.customerId;
    if (owner === undefined || (owner !== caller.id && !can(caller, 'orders:read-any'))) {
      throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
    }
    if (view) return toOrderDto(view);
    if (!order) throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
    return orderDtoOf(order);
  }
}

function orderDtoOf(order: Order): OrderDto {
  const dto: OrderDto = {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map((item) => ({ ...item })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.placedAt,
  };
  if (order.reason) dto.reason = order.reason;
  return dto;
}
