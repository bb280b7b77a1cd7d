import { expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { z } from 'zod';
import { Order, type ProviderCallback, ProviderWebhookReceipt } from '#atlas/contracts';
import { OUTBOX_RELAY_LOCK } from '#atlas/messaging';
import { freePort } from '#atlas/testing';
import {
  SLOW_PROVIDER_PAYMENT_TIMEOUT_MS,
  SLOW_PROVIDER_WEBHOOK_SECRET,
  sagaSteps,
  signAsProvider,
} from './saga-journey.js';
import type { SlowProviderPlatform } from './slow-provider-platform.js';

const run = promisify(execFile);

/** Runs a built command (dist/) as an operator would, with extra environment. */
async function command(script: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout } = await run(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = z
      .object({ code: z.number(), stdout: z.string(), stderr: z.string() })
      .parse(error);
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

async function withDatabase<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/**
 * What must survive real failures, on the distributed platform with a slow payment provider
 * (processes killed with SIGKILL and restarted, a second replica, commands run against the
 * live databases and Kafka). Distributed mode only: it needs separate processes.
 */
export function recoveryJourney(platform: () => SlowProviderPlatform): void {
  const { client, newProduct, stockOf, statusOf, history } = sagaSteps(platform);
  const ordersDb = () => platform().databaseUrl('orders');

  const sentFor = (orderId: string) =>
    withDatabase(ordersDb(), async (db) => {
      const { rows } = await db.query<{ topic: string; published: boolean }>(
        `SELECT topic, published_at IS NOT NULL AS published FROM outbox WHERE key = $1 ORDER BY id`,
        [orderId],
      );
      return rows;
    });

  it('accepts the provider’s signed callback through the gateway, byte for byte, once', async () => {
    const product = await newProduct(5, 2_000);
    const customer = await client().newCustomer();
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    const payment = await client().eventually(
      () =>
        withDatabase(platform().databaseUrl('payments'), async (db) => {
          const { rows } = await db.query<{ id: string; provider_reference: string | null }>(
            `SELECT id, provider_reference FROM payments WHERE order_id = $1`,
            [placed.body.id],
          );
          return rows[0];
        }),
      (row) => Boolean(row?.provider_reference),
    );
    if (!payment?.provider_reference) throw new Error('payments did not ask the provider');
    const callback: ProviderCallback = {
      id: randomUUID(),
      type: 'authorization.succeeded',
      reference: payment.provider_reference,
      idempotencyKey: payment.id,
      amountCents: 2_000,
      currency: 'EUR',
      createdAt: new Date().toISOString(),
    };
    // Indented: a gateway that re-serialised the JSON would break the signature.
    const body = Buffer.from(JSON.stringify(callback, null, 2));
    const signature = signAsProvider(
      SLOW_PROVIDER_WEBHOOK_SECRET,
      Math.floor(Date.now() / 1000),
      body,
    );
    const deliver = () =>
      fetch(`${platform().gatewayUrl}/v1/payments/provider-webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'provider-signature': signature },
        body,
      });

    const first = await deliver();
    expect(first.status).toBe(200);
    expect(ProviderWebhookReceipt.parse(await first.json())).toEqual({
      received: true,
      duplicate: false,
    });
    const replayed = await deliver();
    expect(ProviderWebhookReceipt.parse(await replayed.json())).toEqual({
      received: true,
      duplicate: true,
    });

    await expect(
      statusOf(customer.token, placed.body.id, (o) => o.status === 'CONFIRMED'),
    ).resolves.toMatchObject({ status: 'CONFIRMED' });
    expect(await stockOf(product.id)).toBe(4);
  });

  it('parks a poison message, and npm run dlq lists and replays it to its topic', async () => {
    const { namespace, kafkaBrokers } = platform();
    const producer = new Kafka({
      brokers: [...kafkaBrokers],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const key = randomUUID();
    try {
      await producer.send({
        topic: `${namespace}.orders.order-placed.v1`,
        messages: [{ key, value: '{"orderId": "not even a uuid"}' }],
      });
    } finally {
      await producer.disconnect();
    }
    const env = { KAFKA_BROKERS: kafkaBrokers.join(','), KAFKA_NAMESPACE: namespace };
    const dlq = (...args: string[]) => command('dist/infra/messaging/dlq.js', args, env);

    const listed = await client().eventually(
      () => dlq('list', 'orders.order-placed.v1'),
      (result) => result.stdout.includes('invalid-payload'),
      60_000,
    );
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toMatch(/0:0 .*invalid-payload .*MESSAGING\.INVALID_EVENT/);
    await expect(dlq('list')).resolves.toMatchObject({
      stdout: expect.stringMatching(/orders\.order-placed\.v1\.dlq {2}\d+ message/),
    });

    const replay = await dlq('replay', 'orders.order-placed.v1', '0');
    expect(replay).toEqual({
      code: 0,
      stdout: 'replayed orders.order-placed.v1.dlq/0/0 (eventId -) to orders.order-placed.v1\n',
    });
    // Still poison (nothing was fixed): parked again, marked as the replay it is.
    const parkedAgain = await client().eventually(
      () => dlq('show', 'orders.order-placed.v1.dlq', '1'),
      (result) => result.code === 0,
      60_000,
    );
    expect(parkedAgain.stdout).toContain('replay of     orders.order-placed.v1.dlq/0/0');
    expect(parkedAgain.stdout).toContain(`key           ${key}`);
  });

  it('rebuilds the read model from the events while the platform runs', async () => {
    const product = await newProduct(5);
    const customer = await client().newCustomer();
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    const path = `/v1/orders/${placed.body.id}`;
    await client().expect(200, Order, 'POST', `${path}/cancel`, { token: customer.token });

    await withDatabase(ordersDb(), (db) =>
      db.query(`UPDATE order_views SET status = 'CONFIRMED', reason = NULL WHERE id = $1`, [
        placed.body.id,
      ]),
    );
    expect(
      (await client().expect(200, Order, 'GET', path, { token: customer.token })).body.status,
    ).toBe('CONFIRMED');

    const rebuilt = await command('dist/apps/orders/src/commands/rebuild-read-model.js', [], {
      DATABASE_URL: ordersDb(),
    });
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(
      /^Rebuilt the orders read model from \d+ events: \d+ orders? \(\d+ views replaced\)/,
    );
    expect(
      (await client().expect(200, Order, 'GET', path, { token: customer.token })).body,
    ).toMatchObject({
      status: 'CANCELLED',
      reason: 'CUSTOMER_CANCELLED',
    });
  });

  it('enforces each deadline once when two orders replicas run', async () => {
    const replica = await platform().platform.startReplica('orders', await freePort());
    try {
      const product = await newProduct(20);
      const customer = await client().newCustomer();
      const placed = await Promise.all(
        Array.from({ length: 6 }, () =>
          client().placeOrder(customer.token, [{ productId: product.id, quantity: 1 }]),
        ),
      );
      for (const { body } of placed) {
        await expect(
          statusOf(customer.token, body.id, (o) => o.status === 'CANCELLED'),
        ).resolves.toMatchObject({ reason: 'PAYMENT_TIMEOUT' });
        const topics = (await sentFor(body.id)).map((row) => row.topic);
        expect(topics.filter((topic) => topic === 'catalog.release-stock.v1')).toHaveLength(1);
        expect(topics.filter((topic) => topic === 'payments.void-payment.v1')).toHaveLength(1);
      }
      await expect(
        client().eventually(
          () => stockOf(product.id),
          (stock) => stock === 20,
        ),
      ).resolves.toBe(20);
    } finally {
      const exited = once(replica, 'exit');
      replica.kill('SIGTERM');
      await exited;
    }
  });

  it('survives SIGKILL of orders: a committed order still goes out, a passed deadline is still enforced', async () => {
    const product = await newProduct(10);
    const customer = await client().newCustomer();
    // Order A waits for its payment; its deadline will pass while orders is down.
    const a = await client().placeOrder(customer.token, [{ productId: product.id, quantity: 2 }]);
    await statusOf(customer.token, a.body.id, (o) => o.status === 'STOCK_RESERVED');
    const deadlinePassed = Date.now() + SLOW_PROVIDER_PAYMENT_TIMEOUT_MS + 1_000;

    // Order B commits while a "second replica" holds the relay's lock: it is not published yet.
    const relayLock = new Client({ connectionString: ordersDb() });
    await relayLock.connect();
    await relayLock.query('SELECT pg_advisory_lock($1::bigint)', [OUTBOX_RELAY_LOCK]);
    const b = await client().placeOrder(customer.token, [{ productId: product.id, quantity: 3 }]);
    expect(await sentFor(b.body.id)).toEqual([
      { topic: 'orders.order-placed.v1', published: false },
      { topic: 'orders.order-status-changed.v1', published: false },
    ]);

    // Killed between the commit and the publish.
    const orders = platform().platform.processes.get('orders');
    if (!orders) throw new Error('orders is not running');
    const exited = once(orders, 'exit');
    orders.kill('SIGKILL');
    await exited;
    await relayLock.end();
    await sleep(Math.max(0, deadlinePassed - Date.now()));
    await withDatabase(ordersDb(), async (db) => {
      const { rows } = await db.query(
        `SELECT type FROM order_events WHERE stream_id = $1 ORDER BY version`,
        [a.body.id],
      );
      expect(rows.map((row: { type: string }) => row.type)).toEqual([
        'OrderPlaced',
        'OrderStockReserved',
      ]);
    });

    await platform().platform.restart('orders');

    await expect(
      statusOf(customer.token, a.body.id, (o) => o.status === 'CANCELLED'),
    ).resolves.toMatchObject({ reason: 'PAYMENT_TIMEOUT' });
    const sentB = await client().eventually(
      () => sentFor(b.body.id),
      (rows) => rows.every((row) => row.published),
    );
    expect(sentB.filter((row) => row.topic === 'orders.order-placed.v1')).toEqual([
      { topic: 'orders.order-placed.v1', published: true },
    ]);
    // B went out once: catalog reserved it once, and its own deadline ends it in turn.
    await expect(
      statusOf(customer.token, b.body.id, (o) => o.status === 'CANCELLED'),
    ).resolves.toMatchObject({ reason: 'PAYMENT_TIMEOUT' });
    const factsB = await client().eventually(
      () => history(customer.token, b.body.id),
      (events) => events.some((event) => event.type === 'OrderPaymentVoided'),
    );
    expect(factsB.map((event) => event.type)).toEqual([
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
}
