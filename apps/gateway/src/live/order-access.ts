import { Injectable } from '@nestjs/common';
import { Order, type LiveOrderUpdate } from '#atlas/contracts';
import { AppError, notFound, unauthorized } from '#atlas/http';
import { UpstreamClient } from '../upstream/upstream.client.js';

/** Who is asking: their id, and the token to ask the orders service with. */
export interface OrderWatcher {
  readonly userId: string;
  readonly authorization: string;
}

/**
 * Only an order's owner may watch it (admins may read any order, but its live status is the
 * customer's). The gateway asks the orders service for the order with the caller's own token,
 * so the service's own access check runs first, then compares the owner with the caller;
 * everyone else gets the same 404 as for a missing order.
 */
@Injectable()
export class OrderAccess {
  constructor(private readonly upstream: UpstreamClient) {}

  /** The order's current status, if the caller may see the order. */
  async currentStatus(orderId: string, watcher: OrderWatcher): Promise<LiveOrderUpdate> {
    const answer = await this.upstream.getJson('orders', `/v1/orders/${orderId}`, {
      authorization: watcher.authorization,
    });
    switch (answer.status) {
      case 200: {
        const order = Order.parse(answer.body);
        if (order.customerId !== watcher.userId) {
          throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
        }
        return { orderId, status: order.status, ...(order.reason ? { reason: order.reason } : {}) };
      }
      case 401:
        throw unauthorized('AUTH.UNAUTHENTICATED', 'A valid access token is required.');
      case 404:
        throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
      default:
        throw new AppError('UPSTREAM.UNAVAILABLE', 502, 'The orders service is unavailable.');
    }
  }
}
