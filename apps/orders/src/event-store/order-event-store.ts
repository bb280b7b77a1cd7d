import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { conflict } from '#atlas/http';
import { isUniqueViolation } from '#atlas/persistence';
import { OrderEvent } from '../domain/order-events.js';
import { Order } from '../domain/order.js';
import { OrderEventRecord } from './order-event.entity.js';

@Injectable()
export class OrderEventStore {
  async load(manager: EntityManager, orderId: string): Promise<Order | undefined> {
    const records = await manager.find(OrderEventRecord, {
      where: { streamId: orderId },
      order: { version: 'ASC' },
    });
    if (records.length === 0) return undefined;
    return Order.fromHistory(
      orderId,
      records.map((record) => OrderEvent.parse({ type: record.type, data: record.data })),
    );
  }

  /**
   * Appends the aggregate's new facts after the version it was loaded at. If someone else
   * appended in between, the primary key refuses the insert: the caller reloads and decides
   * again (a message handler is simply retried) instead of overwriting their decision.
   */
  async append(manager: EntityManager, order: Order, now = new Date()): Promise<void> {
    const first = order.version - order.pending.length + 1;
    const records = order.pending.map((event, index) =>
      manager.create(OrderEventRecord, {
        streamId: order.id,
        version: first + index,
        eventId: randomUUID(),
        type: event.type,
        data: event.data,
        occurredAt: now,
      }),
    );
    try {
      await manager.insert(OrderEventRecord, records);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('ORDERS.CONCURRENT_UPDATE', `Order ${order.id} changed concurrently.`);
      }
      throw error;
    }
    order.pending.length = 0;
  }

  history(manager: EntityManager, orderId: string): Promise<OrderEventRecord[]> {
    return manager.find(OrderEventRecord, {
      where: { streamId: orderId },
      order: { version: 'ASC' },
    });
  }
}
