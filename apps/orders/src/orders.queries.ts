import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Order, OrderList, PageQuery } from '#atlas/contracts';
import { notFound } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
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
 */
@Injectable()
export class OrdersQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: OrderEventStore,
  ) {}

  async get(id: string, caller: AuthenticatedUser): Promise<Order> {
    return toOrderDto(await this.visible(id, caller));
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

  private async visible(id: string, caller: AuthenticatedUser): Promise<OrderView> {
    const view = await this.dataSource.getRepository(OrderView).findOneBy({ id });
    const allowed = view && (view.customerId === caller.id || caller.roles.includes('admin'));
    if (!allowed) throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
    return view;
  }
}
