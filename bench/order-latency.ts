/**
 * End-to-end latency of the order saga on real Kafka: from `POST /v1/orders` to the order
 * being CONFIRMED, in distributed mode (six processes, PostgreSQL, Kafka, Redis).
 *
 *   npm run bench:order-latency
 *
 * Starts the built distributed platform on its own databases and Kafka namespace (both removed
 * afterwards), creates a product and a few customers, warms up, then places
 * BENCH_ORDERS orders (default 200) from BENCH_CONCURRENCY clients at once (default 4), each
 * placing its next order when the last one is confirmed. For each order it records:
 *
 * - client: from sending the POST to the first GET /v1/orders/:id that says CONFIRMED
 *   (polled every BENCH_POLL_MS, default 5 ms): what a customer sees;
 * - saga: from the OrderPlaced fact to the OrderConfirmed fact in the order's event history:
 *   the services' own share, without HTTP polling or the read model.
 *
 * Every hop is included: outbox relay → Kafka → catalog → Kafka → orders → Kafka → payments →
 * simulated provider, which calls back after PAYMENT_PROVIDER_CALLBACK_DELAY_MS (100 ms by
 * default; set it to 0 to see the platform alone) through the gateway → payments → Kafka →
 * orders. Servers: ATLAS_POSTGRES_URL, KAFKA_BROKERS, REDIS_URL, as for start:distributed
 * (bench/support/bench-platform.ts).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import { envVar, parseConfig } from '#atlas/config';
import { Order, Product } from '#atlas/contracts';
import { startBenchPlatform } from './support/bench-platform.js';

const config = parseConfig(
  'bench:order-latency',
  z.object({
    BENCH_ORDERS: envVar.int(200, 1),
    BENCH_CONCURRENCY: envVar.int(4, 1, 100),
    BENCH_WARMUP: envVar.int(20, 0),
    BENCH_POLL_MS: envVar.int(5, 1, 1_000),
  }),
  process.env,
);

/** Fewer orders than this make too few samples for a p95 worth quoting. */
const MIN_MEASURED_ORDERS = 200;

const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin passphrase' };
const History = z.array(z.object({ type: z.string(), occurredAt: z.iso.datetime() }));

interface Sample {
  readonly clientMs: number;
  readonly sagaMs: number;
}

process.stdout.write('Starting the distributed platform...\n');
const bench = await startBenchPlatform({
  NODE_ENV: 'test',
  ATLAS_ADMIN_EMAIL: ADMIN.email,
  ATLAS_ADMIN_PASSWORD: ADMIN.password,
  // The benchmark is one client address placing orders as fast as they complete.
  RATE_LIMIT_PER_MINUTE: '1000000',
  USER_RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
});
const platform = bench.platform;
const run = randomBytes(4).toString('hex');

try {
  const client = new AtlasClient(platform.gatewayUrl);
  const admin = await client.login(ADMIN.email, ADMIN.password);
  const total = config.BENCH_ORDERS + config.BENCH_WARMUP;
  const product = (
    await client.expect(201, Product, 'POST', '/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `BENCH-${run}`,
        name: 'Benchmark widget',
        priceCents: 990,
        currency: 'EUR',
        stock: total,
      },
    })
  ).body;
  const customers = await Promise.all(
    Array.from({ length: config.BENCH_CONCURRENCY }, () => client.newCustomer()),
  );

  const placeAndWait = async (token: string): Promise<Sample> => {
    const started = performance.now();
    const placed = await client.placeOrder(token, [{ productId: product.id, quantity: 1 }]);
    for (;;) {
      const order = (
        await client.expect(200, Order, 'GET', `/v1/orders/${placed.body.id}`, { token })
      ).body;
      if (order.status === 'CONFIRMED') break;
      if (order.status === 'CANCELLED') {
        throw new Error(
          `order ${order.id} was cancelled (${order.reason ?? '?'}): the benchmark expects confirmations`,
        );
      }
      await sleep(config.BENCH_POLL_MS);
    }
    const clientMs = performance.now() - started;
    const history = (
      await client.expect(200, History, 'GET', `/v1/orders/${placed.body.id}/events`, { token })
    ).body;
    const at = (type: string) =>
      Date.parse(history.find((event) => event.type === type)?.occurredAt ?? '');
    return { clientMs, sagaMs: at('OrderConfirmed') - at('OrderPlaced') };
  };

  const drive = async (count: number): Promise<Sample[]> => {
    const samples: Sample[] = [];
    let next = 0;
    await Promise.all(
      customers.map(async (customer) => {
        while (next < count) {
          next += 1;
          samples.push(await placeAndWait(customer.token));
        }
      }),
    );
    return samples;
  };

  process.stdout.write(`Warming up with ${config.BENCH_WARMUP} orders...\n`);
  await drive(config.BENCH_WARMUP);
  process.stdout.write(
    `Measuring ${config.BENCH_ORDERS} orders, ${config.BENCH_CONCURRENCY} at a time...\n`,
  );
  const started = performance.now();
  const samples = await drive(config.BENCH_ORDERS);
  const seconds = (performance.now() - started) / 1000;

  const line = (label: string, values: number[]) => {
    const sorted = values.toSorted((a, b) => a - b);
    const pick = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
    return `${label.padEnd(36)} median ${pick(0.5).toFixed(0).padStart(5)} ms   p95 ${pick(0.95).toFixed(0).padStart(5)} ms   p99 ${pick(0.99).toFixed(0).padStart(5)} ms   max ${(sorted.at(-1) ?? NaN).toFixed(0).padStart(5)} ms`;
  };
  process.stdout.write(
    [
      '',
      `Order latency, distributed mode on real Kafka: ${samples.length} orders, ` +
        `${config.BENCH_CONCURRENCY} in flight, ${(samples.length / seconds).toFixed(1)} orders/s, ` +
        `provider callback delay ${process.env.PAYMENT_PROVIDER_CALLBACK_DELAY_MS ?? '100'} ms`,
      line(
        'POST → CONFIRMED seen by client',
        samples.map((s) => s.clientMs),
      ),
      line(
        'OrderPlaced → OrderConfirmed (saga)',
        samples.map((s) => s.sagaMs),
      ),
      ...(samples.length < MIN_MEASURED_ORDERS
        ? [
            `(a smoke run: a figure to quote needs BENCH_ORDERS=${MIN_MEASURED_ORDERS} or more, on a quiet machine)`,
          ]
        : []),
      '',
    ].join('\n'),
  );
} finally {
  await bench.cleanUp();
}
