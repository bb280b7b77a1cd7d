import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import { LIVE_WS_PROTOCOL, LiveServerMessage, Product } from '#atlas/contracts';
import type { BenchRow } from '../support/bench-row.js';
import { startBenchPlatform } from '../support/bench-platform.js';
import { cpuSecondsOf } from '../support/load.js';

export interface OrdersOptions {
  /** Orders measured per provider delay, offered at `ratePerSecond` (open loop). */
  readonly orders: number;
  readonly ratePerSecond: number;
  readonly warmup: number;
  /** The simulated provider's callback delays to measure with, in ms. */
  readonly providerDelaysMs: readonly number[];
  /** Seconds of the sustained run (at `sustainedPerSecond`, provider delay 0); 0 skips it. */
  readonly sustainedSeconds: number;
  readonly sustainedPerSecond: number;
}

const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin passphrase' };
const CUSTOMERS = 16;
const History = z.array(z.object({ type: z.string(), occurredAt: z.iso.datetime() }));

interface Sample {
  readonly orderId: string;
  readonly token: string;
  /** From sending the POST to the WebSocket message that says CONFIRMED. */
  readonly clientMs: number;
}

/**
 * The order path on real Kafka, distributed mode: orders are offered at a fixed rate (an open
 * loop: the next one goes out on time whether or not the last one is done, as customers do),
 * and each customer watches its orders over the live WebSocket (`GET /v1/ws`), as the
 * storefront does, instead of polling. For each order:
 *
 * - client: POST sent → the live message that says CONFIRMED;
 * - saga: OrderPlaced → OrderConfirmed in the order's own event history (the services' share,
 *   without HTTP, the read model or the live fan-out), read after the run.
 *
 * Once per simulated provider delay (`PAYMENT_PROVIDER_CALLBACK_DELAY_MS`), then a sustained
 * run at a higher rate that samples the consumer groups' lag every few seconds: a platform that
 * keeps up has a lag that does not grow.
 */
export async function measureOrders(options: OrdersOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const delay of options.providerDelaysMs) {
    const sustained = delay === 0 && options.sustainedSeconds > 0;
    rows.push(...(await measureWithDelay(options, delay, sustained)));
  }
  return rows;
}

async function measureWithDelay(
  options: OrdersOptions,
  delayMs: number,
  sustained: boolean,
): Promise<BenchRow[]> {
  const bench = await startBenchPlatform({
    // Production refuses a configured admin; the benchmark needs one to create its product.
    NODE_ENV: 'test',
    ATLAS_ADMIN_EMAIL: ADMIN.email,
    ATLAS_ADMIN_PASSWORD: ADMIN.password,
    PAYMENT_PROVIDER_CALLBACK_DELAY_MS: String(delayMs),
    RATE_LIMIT_PER_MINUTE: '100000000',
    USER_RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const sockets: OrderWatcher[] = [];
  try {
    const client = new AtlasClient(bench.platform.gatewayUrl);
    const admin = await client.login(ADMIN.email, ADMIN.password);
    const sustainedOrders = sustained ? options.sustainedSeconds * options.sustainedPerSecond : 0;
    const product = (
      await client.expect(201, Product, 'POST', '/v1/products', {
        token: admin.accessToken,
        body: {
          sku: `BENCH-${randomBytes(4).toString('hex')}`,
          name: 'Benchmark widget',
          priceCents: 990,
          currency: 'EUR',
          stock: options.warmup + options.orders + sustainedOrders,
        },
      })
    ).body;
    const customers = await Promise.all(
      Array.from({ length: CUSTOMERS }, () => client.newCustomer()),
    );
    for (const customer of customers) {
      sockets.push(await OrderWatcher.open(bench.platform.gatewayUrl, customer.token));
    }
    let next = 0;
    const placeAndWatch = async (): Promise<Sample> => {
      const index = next++ % CUSTOMERS;
      const watcher = sockets[index];
      const token = customers[index]?.token;
      if (!watcher || !token) throw new Error('no customer');
      const started = performance.now();
      const placed = await client.placeOrder(token, [{ productId: product.id, quantity: 1 }]);
      const status = await watcher.finalStatus(placed.body.id);
      if (status !== 'CONFIRMED') throw new Error(`order ${placed.body.id} ended ${status}`);
      return { orderId: placed.body.id, token, clientMs: performance.now() - started };
    };

    await offer(options.warmup, options.ratePerSecond, placeAndWatch);
    const cpu = new CpuMeter(bench.platform.processes);
    const started = performance.now();
    const measured = await offer(options.orders, options.ratePerSecond, placeAndWatch);
    const seconds = (performance.now() - started) / 1000;
    const cpuPerOrder = cpu.msPer(measured.samples.length);
    const sagaMs = await sagaDurations(client, measured.samples);
    const client50 = quantile(
      measured.samples.map((sample) => sample.clientMs),
      0.5,
    );
    const saga = summary(sagaMs);
    const clientFigures = summary(measured.samples.map((sample) => sample.clientMs));
    const offered = `${measured.samples.length + measured.failures} orders offered at ${options.ratePerSecond}/s`;
    const rows: BenchRow[] = [
      {
        name: `order saga OrderPlaced → OrderConfirmed, provider delay ${delayMs} ms`,
        kind: 'orders',
        perSecond: measured.samples.length / seconds,
        ...saga,
        failures: measured.failures,
        ...(delayMs === 0
          ? {
              target: {
                text: 'p50 ≤ 50 ms, p95 ≤ 150 ms',
                met: saga.p50Ms <= 50 && saga.p95Ms <= 150 && measured.failures === 0,
              },
            }
          : {}),
        cpuMicrosPerRequest: 1000 * cpuPerOrder.total,
        note:
          `${offered}, real Kafka; from the order's event history; CPU ms per order: ` +
          cpuPerOrder.text,
      },
      {
        name: `order POST → CONFIRMED seen live, provider delay ${delayMs} ms`,
        kind: 'orders',
        perSecond: measured.samples.length / seconds,
        ...clientFigures,
        failures: measured.failures,
        ...(delayMs === 0
          ? {
              target: {
                text: 'p50 within 20 ms of the saga p50',
                met: client50 - saga.p50Ms <= 20 && measured.failures === 0,
              },
            }
          : {}),
        note: `${offered}; watched over GET /v1/ws`,
      },
    ];
    if (sustained) rows.push(await measureSustained(options, bench.run, placeAndWatch));
    return rows;
  } finally {
    for (const socket of sockets) socket.close();
    await bench.cleanUp();
  }
}

async function measureSustained(
  options: OrdersOptions,
  run: string,
  placeAndWatch: () => Promise<Sample>,
): Promise<BenchRow> {
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await kafka.connect();
  try {
    const lags: { at: number; lag: number }[] = [];
    const sampling = { on: true };
    const started = performance.now();
    const sampler = (async () => {
      while (sampling.on) {
        lags.push({ at: (performance.now() - started) / 1000, lag: await totalLag(kafka, run) });
        await sleep(2_000);
      }
    })();
    const orders = options.sustainedSeconds * options.sustainedPerSecond;
    const measured = await offer(orders, options.sustainedPerSecond, placeAndWatch);
    const seconds = (performance.now() - started) / 1000;
    sampling.on = false;
    await sampler;
    const during = lags.filter((sample) => sample.at <= options.sustainedSeconds);
    const trend = slope(during);
    const figures = summary(measured.samples.map((sample) => sample.clientMs));
    return {
      name: `orders sustained at ${options.sustainedPerSecond}/s for ${options.sustainedSeconds} s, POST → CONFIRMED`,
      kind: 'orders',
      perSecond: measured.samples.length / seconds,
      ...figures,
      failures: measured.failures,
      value: { amount: trend, unit: 'lag msgs/s' },
      target: {
        text: `${options.sustainedPerSecond}/s kept, consumer lag not growing (≤ 1 msg/s)`,
        met:
          measured.failures === 0 &&
          measured.samples.length / seconds >= 0.95 * options.sustainedPerSecond &&
          trend <= 1,
      },
      note:
        `consumer lag (all groups) sampled every 2 s: first ${during[0]?.lag ?? '?'}, ` +
        `max ${Math.max(0, ...during.map((sample) => sample.lag))}, last ${during.at(-1)?.lag ?? '?'}`,
    };
  } finally {
    await kafka.disconnect();
  }
}

/** Starts `count` orders `1/rate` apart, whatever the earlier ones are doing; waits for all. */
async function offer(
  count: number,
  ratePerSecond: number,
  placeAndWatch: () => Promise<Sample>,
): Promise<{ samples: Sample[]; failures: number }> {
  const samples: Sample[] = [];
  let failures = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const due = started + (index * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      placeAndWatch().then(
        (sample) => void samples.push(sample),
        (error: unknown) => {
          failures += 1;
          if (failures <= 3) process.stdout.write(`  an order failed: ${String(error)}\n`);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { samples, failures };
}

async function sagaDurations(client: AtlasClient, samples: readonly Sample[]): Promise<number[]> {
  const durations: number[] = [];
  for (const sample of samples) {
    const history = (
      await client.expect(200, History, 'GET', `/v1/orders/${sample.orderId}/events`, {
        token: sample.token,
      })
    ).body;
    const at = (type: string) =>
      Date.parse(history.find((event) => event.type === type)?.occurredAt ?? '');
    durations.push(at('OrderConfirmed') - at('OrderPlaced'));
  }
  return durations;
}

/** The sum over the run's consumer groups of (end offset − committed offset). */
async function totalLag(kafka: ReturnType<Kafka['admin']>, run: string): Promise<number> {
  const groups = (await kafka.listGroups()).groups
    .map((group) => group.groupId)
    .filter((id) => id.startsWith(`${run}.`));
  const topics = (await kafka.listTopics()).filter((topic) => topic.startsWith(`${run}.`));
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const partition of await kafka.fetchTopicOffsets(topic)) {
      ends.set(`${topic}/${partition.partition}`, Number(partition.high));
    }
  }
  let lag = 0;
  for (const groupId of groups) {
    for (const topic of await kafka.fetchOffsets({ groupId, topics })) {
      for (const partition of topic.partitions) {
        const committed = Number(partition.offset);
        // Nothing committed yet (-1) on a partition the group reads counts from its start.
        if (committed < 0) continue;
        lag += Math.max(0, (ends.get(`${topic.topic}/${partition.partition}`) ?? 0) - committed);
      }
    }
  }
  return lag;
}

/** Least-squares slope of the lag over time, in messages per second. */
function slope(points: readonly { at: number; lag: number }[]): number {
  if (points.length < 2) return 0;
  const meanAt = points.reduce((sum, point) => sum + point.at, 0) / points.length;
  const meanLag = points.reduce((sum, point) => sum + point.lag, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.at - meanAt) * (point.lag - meanLag);
    variance += (point.at - meanAt) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function summary(values: readonly number[]): { p50Ms: number; p95Ms: number; p99Ms: number } {
  return {
    p50Ms: quantile(values, 0.5),
    p95Ms: quantile(values, 0.95),
    p99Ms: quantile(values, 0.99),
  };
}

/**
 * CPU time spent by the platform's processes, and by the machine's PostgreSQL and Kafka
 * (every process named `postgres` or `java`), between its creation and `msPer`.
 */
class CpuMeter {
  private readonly before: Map<string, number>;

  constructor(private readonly processes: ReadonlyMap<string, { readonly pid?: number }>) {
    this.before = this.read();
  }

  msPer(orders: number): { total: number; text: string } {
    const after = this.read();
    const parts = [...after].map(([name, seconds]) => {
      const ms = (1000 * (seconds - (this.before.get(name) ?? 0))) / Math.max(1, orders);
      return [name, ms] as const;
    });
    const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
    const text = parts.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ');
    return { total, text: `${total.toFixed(1)} (${text})` };
  }

  private read(): Map<string, number> {
    const seconds = new Map<string, number>();
    for (const [name, child] of this.processes) {
      seconds.set(name, cpuSecondsOf(child.pid ?? 0) ?? 0);
    }
    for (const [command, name] of [
      ['postgres', 'postgres'],
      ['java', 'kafka'],
    ] as const) {
      seconds.set(name, sumByCommand(command));
    }
    return seconds;
  }
}

function sumByCommand(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
    } catch {
      continue;
    }
    total += cpuSecondsOf(Number(entry)) ?? 0;
  }
  return total;
}

/** One customer's live WebSocket: resolves each order's final status when it arrives. */
class OrderWatcher {
  private readonly final = new Map<string, string>();
  private readonly waiting = new Map<string, (status: string) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = LiveServerMessage.parse(JSON.parse(data.toString('utf8')));
      if (message.type !== 'subscribed' && message.type !== 'order-status') return;
      const { orderId: id, status } = message.order;
      if (status !== 'CONFIRMED' && status !== 'CANCELLED') return;
      const waiter = this.waiting.get(id);
      if (waiter) {
        this.waiting.delete(id);
        waiter(status);
      } else this.final.set(id, status);
    });
  }

  static open(gatewayUrl: string, token: string): Promise<OrderWatcher> {
    const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/v1/ws`, [LIVE_WS_PROTOCOL], {
      headers: { authorization: `Bearer ${token}` },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new OrderWatcher(socket)));
      socket.once('error', reject);
    });
  }

  /** Subscribes (its answer carries the current status) and waits for a final one. */
  finalStatus(orderId: string, timeoutMs = 60_000): Promise<string> {
    const known = this.final.get(orderId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        reject(new Error(`order ${orderId} did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(orderId, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
      this.socket.send(JSON.stringify({ type: 'subscribe', orderId }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
