import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  OrderList,
  Problem,
  Product as ProductSchema,
  UserProfile,
  type Product,
} from '#atlas/contracts';
import { AtlasClient } from '#atlas/client';
import type { PlatformUnderTest } from './platform-under-test.js';

/** Above this total the simulated payment provider declines (DESIGN: 100000 cents). */
const DECLINE_ABOVE_CENTS = 100_000;

/**
 * The order journey of DESIGN.md through the public gateway, shared by the embedded and the
 * distributed runs so both modes are held to exactly the same behaviour.
 */
export function orderJourney(platform: () => PlatformUnderTest): void {
  const client = () => new AtlasClient(platform().gatewayUrl);

  const productStock = async (id: string) => (await client().product(id)).stock;

  it('is ready and lists the seeded demo catalog', async () => {
    expect((await client().request('GET', '/health/ready')).status).toBe(200);
    const products = await client().products();
    expect(products.total).toBeGreaterThanOrEqual(5);
    expect(products.items.every((product) => product.stock >= 1)).toBe(true);
  });

  it('registers a customer who can log in and read their profile', async () => {
    const customer = await client().newCustomer();
    const me = await client().expect(200, UserProfile, 'GET', '/v1/auth/me', {
      token: customer.token,
    });
    expect(me.body).toMatchObject({ email: customer.email, roles: ['customer'] });
  });

  it('confirms an order the provider authorizes, reserving its stock', async () => {
    const customer = await client().newCustomer();
    const product = cheapest((await client().products()).items);
    const stockBefore = await productStock(product.id);

    const key = randomUUID();
    const placed = await client().placeOrder(
      customer.token,
      [{ productId: product.id, quantity: 2 }],
      key,
    );
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe('PENDING');

    const replay = await client().placeOrder(
      customer.token,
      [{ productId: product.id, quantity: 2 }],
      key,
    );
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(placed.body.id);

    const order = await client().settledOrder(customer.token, placed.body.id);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      totalCents: product.priceCents * 2,
      currency: product.currency,
      items: [{ productId: product.id, quantity: 2, priceCents: product.priceCents }],
    });
    expect(await productStock(product.id)).toBe(stockBefore - 2);

    const history = await client().expect(
      200,
      OrderHistory,
      'GET',
      `/v1/orders/${order.id}/events`,
      {
        token: customer.token,
      },
    );
    expect(history.body.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStockReserved',
      'OrderConfirmed',
    ]);
  });

  it('cancels an order the provider declines and gives its stock back', async () => {
    const customer = await client().newCustomer();
    const product = mostExpensive((await client().products()).items);
    const quantity = Math.floor(DECLINE_ABOVE_CENTS / product.priceCents) + 1;
    const stockBefore = await productStock(product.id);

    const placed = await client().placeOrder(customer.token, [{ productId: product.id, quantity }]);
    const order = await client().settledOrder(customer.token, placed.body.id);

    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toBe('PAYMENT_DECLINED');
    expect(order.totalCents).toBeGreaterThan(DECLINE_ABOVE_CENTS);
    const stockAfter = await client().eventually(
      () => productStock(product.id),
      (stock) => stock === stockBefore,
    );
    expect(stockAfter).toBe(stockBefore);
  });

  it('tells the customer about every status change', async () => {
    const customer = await client().newCustomer();
    const product = cheapest((await client().products()).items);
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    await client().settledOrder(customer.token, placed.body.id);

    const statuses = await client().eventually(
      async () =>
        (
          await client().expect(200, NotificationPage, 'GET', '/v1/notifications', {
            token: customer.token,
          })
        ).body.items.map((item) => item.status),
      (seen) => seen.includes('CONFIRMED'),
    );
    expect([...statuses].sort()).toEqual(['CONFIRMED', 'PENDING', 'STOCK_RESERVED']);
  });

  it('answers concurrent duplicates of one Idempotency-Key with one order', async () => {
    const customer = await client().newCustomer();
    const product = cheapest((await client().products()).items);
    const key = randomUUID();
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () =>
        client().placeOrder(customer.token, [{ productId: product.id, quantity: 1 }], key),
      ),
    );
    expect(new Set(attempts.map((attempt) => attempt.body.id)).size).toBe(1);
    const orders = await client().expect(200, OrderList, 'GET', '/v1/orders', {
      token: customer.token,
    });
    expect(orders.body.total).toBe(1);
  });

  it('never oversells: 100 concurrent orders for 10 units confirm exactly 10', async () => {
    const admin = await client().login(platform().admin.email, platform().admin.password);
    const sku = `LAST-${randomUUID().slice(0, 8)}`;
    const scarce = await client().expect(201, ProductSchema, 'POST', '/v1/products', {
      token: admin.accessToken,
      body: { sku, name: `Last units ${sku}`, priceCents: 1_000, currency: 'EUR', stock: 10 },
    });
    // A few customers with many orders each: the race is between orders, not accounts.
    const customers = await Promise.all(Array.from({ length: 5 }, () => client().newCustomer()));
    const placed = await Promise.all(
      Array.from({ length: 100 }, (_, n) => {
        const customer = customers[n % customers.length];
        if (!customer) throw new Error('no customer');
        return client().placeOrder(customer.token, [{ productId: scarce.body.id, quantity: 1 }]);
      }),
    );
    expect(new Set(placed.map((order) => order.body.id)).size).toBe(100);

    // One list per customer rather than one poll per order, to stay far below the rate limit.
    const settled = (
      await Promise.all(
        customers.map(async (customer) => {
          const deadline = Date.now() + 120_000;
          for (;;) {
            const mine = (
              await client().expect(200, OrderList, 'GET', '/v1/orders?limit=100', {
                token: customer.token,
              })
            ).body.items;
            const ended = mine.filter((o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED');
            if (ended.length === 20 || Date.now() > deadline) return mine;
            await sleep(1_000);
          }
        }),
      )
    ).flat();
    const outcomes = settled.map(
      (order) => `${order.status}${order.reason ? ` ${order.reason}` : ''}`,
    );
    expect(outcomes).toHaveLength(100);
    expect(outcomes.filter((outcome) => outcome === 'CONFIRMED')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'CANCELLED OUT_OF_STOCK')).toHaveLength(90);
    expect(await productStock(scarce.body.id)).toBe(0);
  });

  it('refuses to cancel an order that is already confirmed', async () => {
    const customer = await client().newCustomer();
    const product = cheapest((await client().products()).items);
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    await client().settledOrder(customer.token, placed.body.id);
    const refused = await client().request('POST', `/v1/orders/${placed.body.id}/cancel`, {
      token: customer.token,
    });
    expect(refused.status).toBe(409);
    expect(Problem.parse(refused.body).code).toBe('ORDERS.NOT_CANCELLABLE');
  });

  it("hides one customer's order from another and refuses callers without a token", async () => {
    const owner = await client().newCustomer();
    const stranger = await client().newCustomer();
    const product = cheapest((await client().products()).items);
    const placed = await client().placeOrder(owner.token, [{ productId: product.id, quantity: 1 }]);

    const peek = await client().request('GET', `/v1/orders/${placed.body.id}`, {
      token: stranger.token,
    });
    expect(peek.status).toBe(404);
    const anonymous = await client().request('GET', '/v1/orders');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(anonymous.body).code).toBe('AUTH.UNAUTHENTICATED');
  });
}

const OrderHistory = z.array(z.object({ version: z.number(), type: z.string() }));
const NotificationPage = z.object({
  items: z.array(z.object({ orderId: z.uuid(), status: z.string() })),
});

function cheapest(products: readonly Product[]): Product {
  return first(products.toSorted((a, b) => a.priceCents - b.priceCents));
}

function mostExpensive(products: readonly Product[]): Product {
  return first(products.toSorted((a, b) => b.priceCents - a.priceCents));
}

function first<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined) throw new Error('the catalog is empty');
  return item;
}
