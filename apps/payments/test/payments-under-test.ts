import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { startService, type RunningService } from '#atlas/bootstrap';
import {
  AuthorizePayment,
  newEvent,
  VoidPayment,
  type EventContract,
  type EventData,
} from '#atlas/contracts';
import { consumerGroupId, EmbeddedBroker } from '#atlas/messaging';
import { createTestDatabase, freePort, type TestDatabase } from '#atlas/testing';
import { paymentsApp } from '../src/payments.app.js';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

export interface PaymentsUnderTest {
  readonly url: string;
  readonly secret: string;
  readonly service: RunningService;
  readonly broker: EmbeddedBroker;
  /** A connection of the test's own to payments' database, for assertions. */
  readonly db: DataSource;
  /** Sends a command to payments through the broker, as orders would. */
  send<C extends EventContract>(contract: C, data: EventData<C>): Promise<string>;
  /** Resolves once payments has handled (committed) every command sent to it so far. */
  drained(): Promise<void>;
  /** The events payments wrote to its outbox for an order, in order. */
  emitted(orderId: string): Promise<{ topic: string; payload: Record<string, unknown> }[]>;
  payment(orderId: string): Promise<PaymentRow | undefined>;
  stop(): Promise<void>;
}

export const PaymentRow = z.object({
  id: z.string(),
  status: z.string(),
  provider_reference: z.string().nullable(),
  amount_cents: z.number(),
  currency: z.string(),
});
export type PaymentRow = z.infer<typeof PaymentRow>;

/**
 * The payments app as it runs in production (HTTP, consumers, relay, the simulated provider),
 * on its own real database and an in-process broker, with the provider calling the app's own
 * webhook (there is no gateway in front of it here).
 */
export async function startPaymentsUnderTest(options: {
  callbackDelayMs: number;
  toleranceSeconds?: number;
}): Promise<PaymentsUnderTest> {
  const database: TestDatabase = await createTestDatabase('payments');
  const broker = new EmbeddedBroker({ logger: { log() {}, warn() {}, error() {} } });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString('hex');
  const service = await startService(paymentsApp, {
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: database.kind === 'embedded' ? '1' : '5',
      ATLAS_BROKER: 'embedded',
      ATLAS_CACHE: 'memory',
      // Never fetched: the webhook is public, and nothing here calls a protected route.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      PAYMENT_WEBHOOK_SECRET: secret,
      PAYMENT_WEBHOOK_TOLERANCE_SECONDS: String(options.toleranceSeconds ?? 300),
      PAYMENT_PROVIDER_WEBHOOK_URL: `${url}/v1/payments/provider-webhook`,
      PAYMENT_PROVIDER_CALLBACK_DELAY_MS: String(options.callbackDelayMs),
    },
    broker,
    logDestination: silent,
  });
  const db = new DataSource({
    type: 'postgres',
    url: database.url,
    poolSize: 1,
    logging: false,
  });
  await db.initialize();
  return {
    url,
    secret,
    service,
    broker,
    db,
    async send(contract, data) {
      const message = newEvent(contract, data);
      await broker.send({
        topic: contract.topic,
        messages: [{ key: contract.key(message), value: JSON.stringify(message) }],
      });
      return String(message['eventId']);
    },
    async drained() {
      const topics = [AuthorizePayment.topic, VoidPayment.topic];
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ends = await Promise.all(topics.map((topic) => broker.fetchTopicOffsets(topic)));
        const committed = await broker.fetchOffsets({
          groupId: consumerGroupId('payments'),
          topics,
        });
        const behind = topics.some((_, index) =>
          (ends[index] ?? []).some(
            (end) =>
              Number(end.high) >
              Math.max(
                0,
                Number(
                  committed[index]?.partitions.find((p) => p.partition === end.partition)?.offset ??
                    0,
                ),
              ),
          ),
        );
        if (!behind) return;
        if (Date.now() > deadline) throw new Error('payments did not handle its commands in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async emitted(orderId) {
      const rows: unknown = await db.query(
        `SELECT topic, payload FROM outbox WHERE key = $1 ORDER BY id`,
        [orderId],
      );
      return z
        .array(z.object({ topic: z.string(), payload: z.record(z.string(), z.unknown()) }))
        .parse(rows);
    },
    async payment(orderId) {
      const rows: unknown = await db.query(
        `SELECT id, status, provider_reference, amount_cents, currency FROM payments WHERE order_id = $1`,
        [orderId],
      );
      return z.array(PaymentRow).parse(rows)[0];
    },
    async stop() {
      await service.close();
      await db.destroy();
      await broker.close();
      await database.drop();
    },
  };
}
