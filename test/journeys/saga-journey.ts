import { expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  Order,
  Problem,
  PROVIDER_SIGNATURE_HEADER,
  Product as ProductSchema,
  type ProviderCallback,
} from '#atlas/contracts';
import { AtlasClient } from '#atlas/client';
import type { PlatformUnderTest } from './platform-under-test.js';

/** The payment step's deadline on the slow-provider platforms. */
export const SLOW_PROVIDER_PAYMENT_TIMEOUT_MS = 6_000;
/** The provider's secret on those platforms, so journeys can play the provider. */
export const SLOW_PROVIDER_WEBHOOK_SECRET = 'journey-only-webhook-secret-0123456789abcdef';

/**
 * A platform whose payment provider takes an hour to answer: the saga's payment step never
 * hears back within the journey, so its deadline and the customer's cancellation can be seen
 * at work. Everything else is as configured in production.
 */
export const slowProviderEnv = {
  PAYMENT_PROVIDER_CALLBACK_DELAY_MS: String(3_600_000),
  PAYMENT_WEBHOOK_SECRET: SLOW_PROVIDER_WEBHOOK_SECRET,
  ORDERS_PAYMENT_TIMEOUT_MS: String(SLOW_PROVIDER_PAYMENT_TIMEOUT_MS),
  // Long enough for a process to restart and rejoin its consumer group in the recovery journey.
  ORDERS_STOCK_TIMEOUT_MS: String(180_000),
  RATE_LIMIT_PER_MINUTE: String(100_000),
  USER_RATE_LIMIT_PER_MINUTE: String(100_000),
  AUTH_RATE_LIMIT_PER_MINUTE: String(100_000),
};

/**
 * Signs as the provider does (docs/patterns/webhooks-in.md), written here from the documented
 * scheme rather than imported, so the journey also checks the scheme itself.
 */
export function signAsProvider(secret: string, timestampSeconds: number, body: Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body);
  return `t=${timestampSeconds},v1=${mac.digest('hex')}`;
}

const History = z.array(z.object({ version: z.number(), type: z.string(), data: z.unknown() }));

/** Steps shared by the saga journeys. */
export function sagaSteps(platform: () => PlatformUnderTest) {
  const client = () => new AtlasClient(platform().gatewayUrl);

  /** A product of the journey's own, so stock counts are its alone. */
  const newProduct = async (stock = 20, priceCents = 1_500) => {
    const admin = await client().login(platform().admin.email, platform().admin.password);
    const sku = `SAGA-${randomUUID().slice(0, 8)}`;
    return (
      await client().expect(201, ProductSchema, 'POST', '/v1/products', {
        token: admin.accessToken,
        body: { sku, name: `Saga journey ${sku}`, priceCents, currency: 'EUR', stock },
      })
    ).body;
  };

  const stockOf = async (productId: string) => (await client().product(productId)).stock;

  const order = (token: string, id: string) =>
    client().expect(200, Order, 'GET', `/v1/orders/${id}`, { token });

  const statusOf = async (token: string, id: string, accept: (order: Order) => boolean) =>
    client().eventually(async () => (await order(token, id)).body, accept, 60_000);

  const history = async (token: string, id: string) =>
    (await client().expect(200, History, 'GET', `/v1/orders/${id}/events`, { token })).body;

  return { client, newProduct, stockOf, order, statusOf, history };
}

/**
 * The saga's deadlines and a customer's cancellation, through the gateway, on a platform whose
 * payment provider does not answer in time (slowProviderEnv). Shared by both modes.
 */
export function sagaJourney(platform: () => PlatformUnderTest): void {
  const { client, newProduct, stockOf, statusOf, history } = sagaSteps(platform);

  it('cancels an order whose payment never comes, voiding it and giving the stock back', async () => {
    const product = await newProduct(10);
    const customer = await client().newCustomer();
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 3 },
    ]);
    await statusOf(customer.token, placed.body.id, (o) => o.status !== 'PENDING');
    expect(await stockOf(product.id)).toBe(7);

    const ended = await statusOf(customer.token, placed.body.id, (o) => o.status === 'CANCELLED');
    expect(ended).toMatchObject({ status: 'CANCELLED', reason: 'PAYMENT_TIMEOUT' });
    const facts = await client().eventually(
      () => history(customer.token, placed.body.id),
      (events) => events.some((event) => event.type === 'OrderPaymentVoided'),
    );
    expect(facts.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStockReserved',
      'OrderCancelled',
      'OrderPaymentVoided',
    ]);
    await expect(
      client().eventually(
        () => stockOf(product.id),
        (stock) => stock === 10,
      ),
    ).resolves.toBe(10);
  });

  it('lets the customer cancel an order in progress, and gives everything back', async () => {
    const product = await newProduct(10);
    const customer = await client().newCustomer();
    const stranger = await client().newCustomer();
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 4 },
    ]);
    await statusOf(customer.token, placed.body.id, (o) => o.status === 'STOCK_RESERVED');

    const path = `/v1/orders/${placed.body.id}/cancel`;
    const refused = await client().request('POST', path, { token: stranger.token });
    expect(refused.status).toBe(404);
    expect(Problem.parse(refused.body).code).toBe('ORDERS.NOT_FOUND');

    const cancelled = await client().expect(200, Order, 'POST', path, { token: customer.token });
    expect(cancelled.body).toMatchObject({
      id: placed.body.id,
      status: 'CANCELLED',
      reason: 'CUSTOMER_CANCELLED',
    });
    const again = await client().request('POST', path, { token: customer.token });
    expect(again.status).toBe(409);
    expect(Problem.parse(again.body).code).toBe('ORDERS.NOT_CANCELLABLE');

    await expect(
      client().eventually(
        () => stockOf(product.id),
        (stock) => stock === 10,
      ),
    ).resolves.toBe(10);
    const facts = await client().eventually(
      () => history(customer.token, placed.body.id),
      (events) => events.some((event) => event.type === 'OrderPaymentVoided'),
    );
    expect(facts.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStockReserved',
      'OrderCancelled',
      'OrderPaymentVoided',
    ]);
    expect(facts[2]?.data).toEqual({ reason: 'CUSTOMER_CANCELLED', cancelledBy: customer.id });
  });

  it('lets an admin cancel a customer’s order', async () => {
    const product = await newProduct(5);
    const customer = await client().newCustomer();
    const admin = await client().login(platform().admin.email, platform().admin.password);
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    const cancelled = await client().expect(
      200,
      Order,
      'POST',
      `/v1/orders/${placed.body.id}/cancel`,
      {
        token: admin.accessToken,
      },
    );
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'ADMIN_CANCELLED' });
    await expect(
      client().eventually(
        () => stockOf(product.id),
        (stock) => stock === 5,
      ),
    ).resolves.toBe(5);
  });

  it('refuses provider callbacks that are forged, stale or malformed, at the public edge', async () => {
    const callback: ProviderCallback = {
      id: randomUUID(),
      type: 'authorization.succeeded',
      reference: 'sim_made_up',
      idempotencyKey: randomUUID(),
      amountCents: 100,
      currency: 'EUR',
      createdAt: new Date().toISOString(),
    };
    const body = Buffer.from(JSON.stringify(callback));
    const now = Math.floor(Date.now() / 1000);
    const send = (payload: Buffer, signature?: string) =>
      fetch(`${platform().gatewayUrl}/v1/payments/provider-webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { [PROVIDER_SIGNATURE_HEADER]: signature } : {}),
        },
        body: payload,
      });
    const codeOf = async (response: Response) => Problem.parse(await response.json()).code;

    const forged = await send(
      body,
      signAsProvider('a-secret-that-is-not-the-providers', now, body),
    );
    expect([forged.status, await codeOf(forged)]).toEqual([
      401,
      'PAYMENTS.WEBHOOK_SIGNATURE_INVALID',
    ]);
    const unsigned = await send(body);
    expect(unsigned.status).toBe(401);
    const stale = await send(body, signAsProvider(SLOW_PROVIDER_WEBHOOK_SECRET, now - 3_600, body));
    expect([stale.status, await codeOf(stale)]).toEqual([
      401,
      'PAYMENTS.WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    ]);
    // Authentic, but about no payment payments knows: the provider should try again later.
    const unknown = await send(body, signAsProvider(SLOW_PROVIDER_WEBHOOK_SECRET, now, body));
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, 'PAYMENTS.UNKNOWN_PAYMENT']);
    const malformed = Buffer.from(JSON.stringify({ ...callback, amountCents: 'lots' }));
    const invalid = await send(
      malformed,
      signAsProvider(SLOW_PROVIDER_WEBHOOK_SECRET, now, malformed),
    );
    expect(invalid.status).toBe(400);
  });
}
