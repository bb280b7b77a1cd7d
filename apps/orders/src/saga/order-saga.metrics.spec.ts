import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ServiceMetrics } from '#atlas/observability';
import { Order } from '../domain/order.js';
import { OrderSagaMetrics } from './order-saga.metrics.js';

let registry: ServiceMetrics['registry'];
let metrics: OrderSagaMetrics;

beforeEach(() => {
  const service = new ServiceMetrics('orders');
  registry = service.registry;
  metrics = new OrderSagaMetrics(service);
});

async function outcomes(): Promise<Record<string, number>> {
  const counter = registry.getSingleMetric('orders_saga_outcomes_total');
  const values = (await counter?.get())?.values ?? [];
  return Object.fromEntries(
    values.map((v) => [`${String(v.labels['outcome'])}/${String(v.labels['reason'])}`, v.value]),
  );
}

function reservedOrder(): Order {
  const order = Order.place(
    randomUUID(),
    randomUUID(),
    [{ productId: randomUUID(), quantity: 1 }],
    new Date(),
  );
  order.reserveStock(
    order.items.map((item) => ({ ...item, priceCents: 500 })),
    'EUR',
    500,
  );
  return order;
}

describe('OrderSagaMetrics', () => {
  it('counts a confirmed saga once, and not again for a step that changed nothing', async () => {
    const order = reservedOrder();
    order.confirm(randomUUID());

    metrics.stepCommitted(order, 'STOCK_RESERVED');
    metrics.stepCommitted(order, 'CONFIRMED'); // a late reply, ignored by the saga

    expect(await outcomes()).toEqual({ 'confirmed/none': 1 });
  });

  it('counts a cancellation under its reason', async () => {
    const declined = reservedOrder();
    declined.cancel('PAYMENT_DECLINED');
    const timedOut = reservedOrder();
    timedOut.cancel('PAYMENT_TIMEOUT');

    metrics.stepCommitted(declined, 'STOCK_RESERVED');
    metrics.stepCommitted(timedOut, 'STOCK_RESERVED');

    expect(await outcomes()).toEqual({
      'cancelled/payment_declined': 1,
      'cancelled/payment_timeout': 1,
    });
  });

  it('counts nothing for a step that leaves the saga running', async () => {
    metrics.stepCommitted(reservedOrder(), 'PENDING');
    expect(await outcomes()).toEqual({});
  });
});
