import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PaymentAuthorized, PaymentVoided, StockRejected, StockReserved } from '#atlas/contracts';
import { AppError } from '#atlas/http';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import {
  admin,
  customer,
  OrdersDatabase,
  type OrdersReplica,
  startOrdersReplica,
  until,
} from '../test/orders-under-test.js';
import { OrdersService } from './orders.service.js';
import { OrderProjector } from './read-model/order.projector.js';
import { OrderReadModelRebuild } from './read-model/order-read-model.rebuild.js';
import { OrderSagaService } from './saga/order-saga.service.js';

const LONG = { stockMs: 3_600_000, paymentMs: 3_600_000 };
const productId = randomUUID();

let database: TestDatabase;
let orders: OrdersDatabase;
const replicas: OrdersReplica[] = [];

beforeEach(async () => {
  database = await createTestDatabase('orders');
  if (database.kind !== 'real') {
    throw new Error('These tests race several connections: they need a real PostgreSQL server');
  }
  orders = await OrdersDatabase.open(database.url);
});

afterEach(async () => {
  await Promise.all(replicas.splice(0).map((running) => running.stop()));
  await orders.close();
  await database.drop();
});

async function replica(timeouts = LONG): Promise<OrdersReplica> {
  const started = await startOrdersReplica(database.url, timeouts);
  replicas.push(started);
  return started;
}

async function place(on: OrdersReplica, customerId = randomUUID(), quantity = 1) {
  const accepted = await on
    .get(OrdersService)
    .place(customerId, { items: [{ productId, quantity }] }, randomUUID());
  return { orderId: accepted.id, customerId };
}

function reserved(orderId: string, totalCents = 1_500) {
  return {
    orderId,
    items: [{ productId, quantity: 1, priceCents: totalCents }],
    currency: 'EUR',
    totalCents,
  };
}

describe('the orders read model', () => {
  it('is answered for a placed order at once, and follows the saga', async () => {
    const on = await replica();
    const { orderId } = await place(on);
    // place() answered only once the projection had the order.
    expect(await orders.view(orderId)).toEqual({ status: 'PENDING', reason: null, version: 1 });

    await on.send(StockReserved, reserved(orderId));
    await on.send(PaymentAuthorized, {
      orderId,
      paymentId: randomUUID(),
      amountCents: 1_500,
      currency: 'EUR',
    });
    await expect(
      until(
        () => orders.view(orderId),
        (view) => view?.status === 'CONFIRMED',
      ),
    ).resolves.toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('is rebuilt from the events by the rebuild, damaged or not', async () => {
    const on = await replica();
    const confirmed = await place(on);
    const rejected = await place(on);
    const pending = await place(on);
    await on.send(StockReserved, reserved(confirmed.orderId));
    await on.send(PaymentAuthorized, {
      orderId: confirmed.orderId,
      paymentId: randomUUID(),
      amountCents: 1_500,
      currency: 'EUR',
    });
    await on.send(StockRejected, {
      orderId: rejected.orderId,
      reason: 'OUT_OF_STOCK',
      productIds: [productId],
    });
    await until(
      () => orders.view(confirmed.orderId),
      (view) => view?.status === 'CONFIRMED',
    );
    await until(
      () => orders.view(rejected.orderId),
      (view) => view?.status === 'CANCELLED',
    );

    // The read model is lost in part and wrong in part.
    await orders.db.query(`DELETE FROM order_views WHERE id = $1`, [confirmed.orderId]);
    await orders.db.query(`UPDATE order_views SET status = 'CONFIRMED' WHERE id = $1`, [
      pending.orderId,
    ]);

    const report = await on.get(OrderReadModelRebuild).rebuild();
    expect(report).toEqual({ removed: 2, events: 6, orders: 3 });
    expect(await orders.view(confirmed.orderId)).toEqual({
      status: 'CONFIRMED',
      reason: null,
      version: 3,
    });
    expect(await orders.view(rejected.orderId)).toEqual({
      status: 'CANCELLED',
      reason: 'OUT_OF_STOCK',
      version: 2,
    });
    expect(await orders.view(pending.orderId)).toEqual({
      status: 'PENDING',
      reason: null,
      version: 1,
    });

    // The live projector goes on from where the rebuild stopped.
    await on.send(StockReserved, reserved(pending.orderId));
    await expect(
      until(
        () => orders.view(pending.orderId),
        (view) => view?.status === 'STOCK_RESERVED',
      ),
    ).resolves.toMatchObject({ version: 2 });
  });

  it('never skips an event whose transaction commits after a later one', async () => {
    const on = await replica();
    const slow = new Client({ connectionString: database.url });
    const fast = new Client({ connectionString: database.url });
    await slow.connect();
    await fast.connect();
    const placed = (id: string) => [
      id,
      randomUUID(),
      JSON.stringify({
        customerId: randomUUID(),
        items: [{ productId, quantity: 1 }],
        placedAt: new Date().toISOString(),
      }),
    ];
    const insert = `INSERT INTO order_events (stream_id, version, event_id, type, data, occurred_at)
                    VALUES ($1, 1, $2, 'OrderPlaced', $3, now())`;
    try {
      const early = randomUUID();
      const late = randomUUID();
      // `early` takes its position first but commits last.
      await slow.query('BEGIN');
      await slow.query(insert, placed(early));
      await fast.query(insert, placed(late));

      const projector = on.get(OrderProjector);
      // A pass that started after `late` committed (the live loop may hold the turn meanwhile).
      let pass = await projector.runOnce();
      while (pass.kind === 'locked-elsewhere') pass = await projector.runOnce();
      expect(pass).toEqual({ kind: 'caught-up' });
      expect(await orders.view(late)).toBeUndefined();

      await slow.query('COMMIT');
      await expect(
        until(
          () => orders.view(early),
          (view) => view !== undefined,
        ),
      ).resolves.toMatchObject({
        status: 'PENDING',
      });
      await expect(
        until(
          () => orders.view(late),
          (view) => view !== undefined,
        ),
      ).resolves.toMatchObject({
        status: 'PENDING',
      });
    } finally {
      await slow.end();
      await fast.end();
    }
  });
});

describe('the saga’s timeouts', () => {
  it('cancels an order whose stock never comes, giving back what catalog may hold', async () => {
    const on = await replica({ stockMs: 300, paymentMs: 3_600_000 });
    const { orderId } = await place(on);
    await expect(
      until(
        () => orders.view(orderId),
        (view) => view?.status === 'CANCELLED',
      ),
    ).resolves.toEqual({ status: 'CANCELLED', reason: 'STOCK_TIMEOUT', version: 2 });
    expect(await orders.sent(orderId)).toEqual([
      'orders.order-placed.v1',
      'orders.order-status-changed.v1',
      'catalog.release-stock.v1',
      'orders.order-status-changed.v1',
    ]);
  });

  it('cancels an order whose payment never comes, voiding it and giving the stock back', async () => {
    const on = await replica({ stockMs: 3_600_000, paymentMs: 300 });
    const { orderId } = await place(on);
    await on.send(StockReserved, reserved(orderId));
    await expect(
      until(
        () => orders.view(orderId),
        (view) => view?.status === 'CANCELLED',
      ),
    ).resolves.toMatchObject({ reason: 'PAYMENT_TIMEOUT' });
    expect((await orders.sent(orderId)).slice(2)).toEqual([
      'payments.authorize-payment.v1',
      'orders.order-status-changed.v1',
      'catalog.release-stock.v1',
      'payments.void-payment.v1',
      'orders.order-status-changed.v1',
    ]);
  });

  it('keeps its deadlines across a restart: the next process cancels the order', async () => {
    const first = await replica({ stockMs: 1_500, paymentMs: 3_600_000 });
    const { orderId } = await place(first);
    await first.stop();
    replicas.splice(replicas.indexOf(first), 1);
    expect(await orders.view(orderId)).toMatchObject({ status: 'PENDING' });

    await replica({ stockMs: 1_500, paymentMs: 3_600_000 });
    await expect(
      until(
        () => orders.view(orderId),
        (view) => view?.status === 'CANCELLED',
      ),
    ).resolves.toMatchObject({ reason: 'STOCK_TIMEOUT' });
  });

  it('cancels an order once when three replicas fire its deadline at the same moment', async () => {
    const [one, two, three] = [await replica(), await replica(), await replica()];
    if (!one || !two || !three) throw new Error('replicas did not start');
    const { orderId } = await place(one);
    const due = { orderId, step: 'AWAITING_STOCK' as const };
    const outcomes = await Promise.allSettled([
      one.get(OrderSagaService).timeOut(due),
      two.get(OrderSagaService).timeOut(due),
      three.get(OrderSagaService).timeOut(due),
    ]);
    // The others either lost the append (a conflict) or found the order cancelled already.
    expect(
      outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'cancelled'),
    ).toHaveLength(1);
    expect(await orders.eventTypes(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(
      (await orders.sent(orderId)).filter((topic) => topic === 'catalog.release-stock.v1'),
    ).toHaveLength(1);
  });

  it('cancels each order once, with one compensation, when several replicas enforce deadlines', async () => {
    const timeouts = { stockMs: 400, paymentMs: 3_600_000 };
    const [one, two] = [await replica(timeouts), await replica(timeouts)];
    if (!one || !two) throw new Error('replicas did not start');
    const placed = await Promise.all(
      Array.from({ length: 12 }, (_, n) => place(n % 2 ? one : two)),
    );
    for (const { orderId } of placed) {
      await until(
        () => orders.view(orderId),
        (view) => view?.status === 'CANCELLED',
      );
      expect(await orders.eventTypes(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
      expect(
        (await orders.sent(orderId)).filter((topic) => topic === 'catalog.release-stock.v1'),
      ).toHaveLength(1);
    }
  });
});

describe('cancellation and late replies', () => {
  it('lets the owner or an admin cancel an order in progress, and nobody else see it', async () => {
    const on = await replica();
    const commands = on.get(OrdersService);
    const mine = await place(on);
    const theirs = await place(on);
    await on.send(StockReserved, reserved(theirs.orderId, 7_700));
    await until(
      () => orders.view(theirs.orderId),
      (view) => view?.status === 'STOCK_RESERVED',
    );

    await expect(commands.cancel(mine.orderId, customer(randomUUID()))).rejects.toMatchObject({
      code: 'ORDERS.NOT_FOUND',
      status: 404,
    });
    await expect(commands.cancel(randomUUID(), customer(mine.customerId))).rejects.toThrow(
      AppError,
    );

    await commands.cancel(mine.orderId, customer(mine.customerId));
    await commands.cancel(theirs.orderId, admin(randomUUID()));
    expect(await orders.view(mine.orderId)).toMatchObject({
      status: 'CANCELLED',
      reason: 'CUSTOMER_CANCELLED',
    });
    expect(await orders.view(theirs.orderId)).toMatchObject({
      status: 'CANCELLED',
      reason: 'ADMIN_CANCELLED',
    });
    expect((await orders.sent(mine.orderId)).slice(2)).toEqual([
      'catalog.release-stock.v1',
      'orders.order-status-changed.v1',
    ]);
    expect((await orders.sent(theirs.orderId)).slice(-3)).toEqual([
      'catalog.release-stock.v1',
      'payments.void-payment.v1',
      'orders.order-status-changed.v1',
    ]);

    await expect(commands.cancel(mine.orderId, customer(mine.customerId))).rejects.toMatchObject({
      code: 'ORDERS.NOT_CANCELLABLE',
      status: 409,
    });
  });

  it('gives back stock reserved after the cancellation, and records the voided payment once', async () => {
    const on = await replica();
    const { orderId, customerId } = await place(on);
    await on.get(OrdersService).cancel(orderId, customer(customerId));

    await on.send(StockReserved, reserved(orderId));
    await on.send(PaymentAuthorized, {
      orderId,
      paymentId: randomUUID(),
      amountCents: 1_500,
      currency: 'EUR',
    });
    const paymentId = randomUUID();
    await on.send(PaymentVoided, { orderId, paymentId });
    await on.send(PaymentVoided, { orderId, paymentId });

    await until(
      () => orders.eventTypes(orderId),
      (types) => types.includes('OrderPaymentVoided'),
    );
    await until(
      () => orders.sent(orderId),
      (topics) => topics.length >= 5,
    );
    expect(await orders.sent(orderId)).toEqual([
      'orders.order-placed.v1',
      'orders.order-status-changed.v1',
      'catalog.release-stock.v1',
      'orders.order-status-changed.v1',
      // The reservation that arrived too late, released at once.
      'catalog.release-stock.v1',
    ]);
    expect(await orders.eventTypes(orderId)).toEqual([
      'OrderPlaced',
      'OrderCancelled',
      'OrderPaymentVoided',
    ]);
  });
});
