import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { startService, type RunningService } from '#atlas/bootstrap';
import { newEvent, type EventContract, type EventData } from '#atlas/contracts';
import { EmbeddedBroker } from '#atlas/messaging';
import type { AuthenticatedUser } from '#atlas/security';
import { freePort } from '#atlas/testing';
import { ordersApp } from '../src/orders.app.js';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const quiet = { log() {}, warn() {}, error() {} };

export interface OrdersReplica {
  readonly service: RunningService;
  readonly broker: EmbeddedBroker;
  get<T>(type: abstract new (...args: never[]) => T): T;
  /** Sends a participant's reply to this replica through its broker. */
  send<C extends EventContract>(contract: C, data: EventData<C>): Promise<void>;
  stop(): Promise<void>;
}

export interface SagaTimeoutsUnderTest {
  readonly stockMs: number;
  readonly paymentMs: number;
}

/**
 * One orders replica as it runs in production (consumers, relay, projector, timeout
 * scheduler) on the given database, with a broker of its own: several replicas on one
 * database share their orders, as they would behind a load balancer.
 */
export async function startOrdersReplica(
  databaseUrl: string,
  timeouts: SagaTimeoutsUnderTest,
  poolMax = 5,
): Promise<OrdersReplica> {
  const broker = new EmbeddedBroker({ logger: quiet });
  const service = await startService(ordersApp, {
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(poolMax),
      ATLAS_BROKER: 'embedded',
      ATLAS_CACHE: 'memory',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      ORDERS_STOCK_TIMEOUT_MS: String(timeouts.stockMs),
      ORDERS_PAYMENT_TIMEOUT_MS: String(timeouts.paymentMs),
    },
    broker,
    logDestination: silent,
  });
  return {
    service,
    broker,
    get: (type) => service.app.get(type),
    async send(contract, data) {
      const message = newEvent(contract, data);
      await broker.send({
        topic: contract.topic,
        messages: [{ key: contract.key(message), value: JSON.stringify(message) }],
      });
    },
    async stop() {
      await service.close();
      await broker.close();
    },
  };
}

export function customer(id: string): AuthenticatedUser {
  return { id, roles: ['customer'], sessionId: 'test', tokenId: 'test' };
}

export function admin(id: string): AuthenticatedUser {
  return { id, roles: ['admin'], sessionId: 'test', tokenId: 'test' };
}

/** What the test reads straight from orders' database. */
export class OrdersDatabase {
  private constructor(readonly db: DataSource) {}

  static async open(url: string): Promise<OrdersDatabase> {
    const db = new DataSource({ type: 'postgres', url, poolSize: 2, logging: false });
    await db.initialize();
    return new OrdersDatabase(db);
  }

  async eventTypes(orderId: string): Promise<string[]> {
    const rows: unknown = await this.db.query(
      `SELECT type FROM order_events WHERE stream_id = $1 ORDER BY version`,
      [orderId],
    );
    return z
      .array(z.object({ type: z.string() }))
      .parse(rows)
      .map((row) => row.type);
  }

  /** Topics of the messages orders wrote for this order, in order. */
  async sent(orderId: string): Promise<string[]> {
    const rows: unknown = await this.db.query(
      `SELECT topic FROM outbox WHERE key = $1 ORDER BY id`,
      [orderId],
    );
    return z
      .array(z.object({ topic: z.string() }))
      .parse(rows)
      .map((row) => row.topic);
  }

  async view(
    orderId: string,
  ): Promise<{ status: string; reason: string | null; version: number } | undefined> {
    const rows: unknown = await this.db.query(
      `SELECT status, reason, version FROM order_views WHERE id = $1`,
      [orderId],
    );
    return z
      .array(z.object({ status: z.string(), reason: z.string().nullable(), version: z.number() }))
      .parse(rows)[0];
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

/** Polls until `accept` holds or 20 s pass; returns the last value either way. */
export async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
