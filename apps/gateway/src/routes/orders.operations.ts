import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKey,
  Order,
  OrderAccepted,
  OrderList,
  PageQuery,
  PlaceOrderRequest,
} from '#atlas/contracts';
import type { RouteTable } from './operation.js';

/** Orders, their history and their live status: the orders service, and the gateway's own push. */
export const ORDERS_OPERATIONS = {
  placeOrder: {
    method: 'POST',
    path: '/v1/orders',
    access: { permission: 'orders:place' },
    tag: 'orders',
    summary: 'Place an order; the saga confirms or cancels it asynchronously',
    description:
      'Answers at once with status PENDING; follow it with GET /v1/orders/{id}, its stream or ' +
      'a webhook. The same Idempotency-Key and body answer the same order again, never a ' +
      'second one; the same key with another body is 422.',
    request: {
      headers: {
        [IDEMPOTENCY_KEY_HEADER]: {
          required: true,
          description: 'Unique per order: 8 to 128 letters, digits or . _ : -',
          schema: IdempotencyKey,
        },
      },
      body: PlaceOrderRequest,
    },
    responses: { 202: { description: 'Accepted, status PENDING', body: OrderAccepted } },
    problems: [422],
    upstream: 'orders',
  },
  listOrders: {
    method: 'GET',
    path: '/v1/orders',
    access: 'signed-in',
    tag: 'orders',
    summary: 'The caller’s orders, newest first',
    description:
      'From the read model, which is projected a moment after each change: the caller’s own ' +
      'writes are there once they were answered; a list may lag other replicas briefly.',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of orders', body: OrderList } },
    upstream: 'orders',
  },
  getOrder: {
    method: 'GET',
    path: '/v1/orders/:id',
    access: 'signed-in',
    tag: 'orders',
    summary: 'One order (owner or admin; others get 404)',
    description: 'Someone else’s order answers the same 404 as one that does not exist.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The order', body: Order } },
    problems: [404],
    upstream: 'orders',
  },
  cancelOrder: {
    method: 'POST',
    path: '/v1/orders/:id/cancel',
    access: 'signed-in',
    tag: 'orders',
    summary:
      'Cancel an order still in progress (owner or admin); reserved stock and payment are given back',
    description: 'A CONFIRMED or CANCELLED order cannot be cancelled (409).',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The cancelled order', body: Order } },
    problems: [404, 409],
    upstream: 'orders',
  },
  orderEvents: {
    method: 'GET',
    path: '/v1/orders/:id/events',
    access: 'signed-in',
    tag: 'orders',
    summary: 'The order’s event history (owner or admin)',
    description:
      'The order is event-sourced: these are its events (OrderPlaced, OrderStockReserved, ' +
      'OrderConfirmed, OrderCancelled, OrderPaymentVoided) with their data and time.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'Events, oldest first' } },
    problems: [404],
    upstream: 'orders',
  },
  orderStream: {
    method: 'GET',
    path: '/v1/orders/:id/stream',
    access: 'signed-in',
    tag: 'orders',
    summary: 'Live status of one order, as server-sent events (its owner)',
    description:
      'Sends `event: order-status` with the current status first, then each change, and ends ' +
      'once the order is CONFIRMED or CANCELLED. Works on any gateway replica.',
    request: { params: { id: 'uuid' } },
    responses: {
      200: { description: 'The stream of `order-status` events', content: ['text/event-stream'] },
    },
    problems: [404],
    handWritten: 'live/order-stream.routes.ts: a stream the gateway holds open itself',
  },
  liveSocket: {
    method: 'GET',
    path: '/v1/ws',
    access: 'public',
    tag: 'orders',
    summary: 'Live order status over WebSocket (upgrade; see docs/patterns/real-time-push.md)',
    description:
      'Authenticate the upgrade with Authorization: Bearer, or offer the subprotocols ' +
      '`atlas.v1` and `atlas.bearer.<token>`. Send {"type":"subscribe","orderId":"…"}; receive ' +
      '`subscribed` (the current status), then `order-status` for each change. A request ' +
      'without the upgrade answers 426.',
    responses: { 101: { description: 'Switched to the WebSocket protocol' } },
    problems: [426],
    handWritten: 'live/live-socket.routes.ts: the upgrade is taken by the WebSocket server',
  },
} as const satisfies RouteTable;
