import { Injectable } from '@nestjs/common';
import { Order, type LiveOrderUpdate } from '#atlas/contracts';
import { AppError, notFound, unauthorized } from '#atlas/http';
import { UpstreamClient } from '../upstream/upstream.client.js';

/**
 * Who may watch an order is decided where orders are: the gateway asks the orders service for
 * the order with the caller's own token, so exactly the callers who may read it (its owner,
 * and admins) may watch it, and everyone else gets the same 404 as for a missing order.
 */
@Injectable()
export class OrderAccess {
  constructor(private readonly upstream: UpstreamClient) {}

  /** The order's current status, if the caller may see the order. */
  async currentStatus(orderId: string, authorization: string): Promise<LiveOrderUpdate> {
    const answer = await this.upstream.getJson('orders', `/v1/orders/${orderId}`, {
      authorization,
    });
    switch (answer.status) {
      case 200: {
        const order = Order.parse(answer.body);
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
