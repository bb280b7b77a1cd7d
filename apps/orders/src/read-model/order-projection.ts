import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Order } from '../domain/order.js';
import { OrderView } from './order-view.entity.js';

/**
 * Keeps the read model in step with the stream, in the same transaction as the append, so a
 * client that was told "accepted" can read its order at once.
 */
@Injectable()
export class OrderProjection {
  async project(manager: EntityManager, order: Order, now = new Date()): Promise<void> {
    await manager.upsert(
      OrderView,
      {
        id: order.id,
        customerId: order.customerId,
        status: order.status,
        reason: order.reason ?? null,
        items: order.items.map((item) => ({ ...item })),
        totalCents: order.totalCents,
        currency: order.currency,
        version: order.version,
        createdAt: new Date(order.placedAt),
        updatedAt: now,
      },
      ['id'],
    );
  }
}
