import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AuthorizePayment,
  PROVIDER_SIGNATURE_HEADER,
  type ProviderCallback,
  VoidPayment,
} from '#atlas/contracts';
import { startPaymentsUnderTest, type PaymentsUnderTest } from '../test/payments-under-test.js';
import { PaymentProvider } from './provider/payment-provider.js';
import { signProviderPayload } from './webhooks/provider-signature.js';

const DECLINE_ABOVE = 100_000;

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const Ledger = z.object({
  reference: z.string(),
  callback_delivered_at: z.date().nullable(),
  voided_at: z.date().nullable(),
});

async function ledger(payments: PaymentsUnderTest, paymentId: string) {
  const rows: unknown = await payments.db.query(
    `SELECT reference, callback_delivered_at, voided_at FROM simulated_provider_authorizations
      WHERE idempotency_key = $1`,
    [paymentId],
  );
  return z.array(Ledger).parse(rows)[0];
}

function authorize(payments: PaymentsUnderTest, orderId: string, amountCents = 2_500) {
  return payments.send(AuthorizePayment, {
    orderId,
    customerId: randomUUID(),
    amountCents,
    currency: 'EUR',
  });
}

describe('payments with a provider that answers by signed webhook', () => {
  let payments: PaymentsUnderTest;

  beforeAll(async () => {
    payments = await startPaymentsUnderTest({ callbackDelayMs: 50 });
  });

  afterAll(async () => {
    await payments?.stop();
  });

  it('asks the provider, which calls back later: the payment is authorized, announced once', async () => {
    const orderId = randomUUID();
    await authorize(payments, orderId);

    const payment = await until(
      () => payments.payment(orderId),
      (row) => row?.status === 'AUTHORIZED',
    );
    expect(payment).toMatchObject({ status: 'AUTHORIZED', amount_cents: 2_500, currency: 'EUR' });
    expect((await ledger(payments, payment?.id ?? ''))?.callback_delivered_at).toBeInstanceOf(Date);
    expect(await payments.emitted(orderId)).toEqual([
      {
        topic: 'payments.payment-authorized.v1',
        payload: expect.objectContaining({ orderId, paymentId: payment?.id, amountCents: 2_500 }),
      },
    ]);
  });

  it('declines above the threshold and says why', async () => {
    const orderId = randomUUID();
    await authorize(payments, orderId, DECLINE_ABOVE + 1);
    const payment = await until(
      () => payments.payment(orderId),
      (row) => row?.status === 'DECLINED',
    );
    expect(payment?.status).toBe('DECLINED');
    expect(await payments.emitted(orderId)).toEqual([
      {
        topic: 'payments.payment-failed.v1',
        payload: expect.objectContaining({ orderId, reason: 'DECLINED' }),
      },
    ]);
  });

  it('records a void that overtook the authorization, and then asks the provider nothing', async () => {
    const orderId = randomUUID();
    await payments.send(VoidPayment, { orderId, amountCents: 2_500, currency: 'EUR' });
    const voided = await until(
      () => payments.payment(orderId),
      (row) => row !== undefined,
    );
    await authorize(payments, orderId);
    await payments.drained();

    expect(await payments.payment(orderId)).toMatchObject({
      id: voided?.id,
      status: 'VOIDED',
      provider_reference: null,
    });
    expect(await ledger(payments, voided?.id ?? '')).toBeUndefined();
    expect((await payments.emitted(orderId)).map((event) => event.topic)).toEqual([
      'payments.payment-voided.v1',
    ]);
  });

  it('voids an authorized payment at the provider, once however often it is asked', async () => {
    const orderId = randomUUID();
    await authorize(payments, orderId);
    const payment = await until(
      () => payments.payment(orderId),
      (row) => row?.status === 'AUTHORIZED',
    );
    await payments.send(VoidPayment, { orderId, amountCents: 2_500, currency: 'EUR' });
    await payments.send(VoidPayment, { orderId, amountCents: 2_500, currency: 'EUR' });
    await payments.drained();
    expect((await payments.payment(orderId))?.status).toBe('VOIDED');
    expect((await ledger(payments, payment?.id ?? ''))?.voided_at).toBeInstanceOf(Date);
    expect((await payments.emitted(orderId)).map((event) => event.topic)).toEqual([
      'payments.payment-authorized.v1',
      'payments.payment-voided.v1',
    ]);
  });
});

describe('the provider webhook', () => {
  let payments: PaymentsUnderTest;

  beforeAll(async () => {
    // The provider takes an hour: the tests play its callbacks themselves.
    payments = await startPaymentsUnderTest({ callbackDelayMs: 3_600_000 });
  });

  afterAll(async () => {
    await payments?.stop();
  });

  /** A payment the provider has been asked about, still waiting for its answer. */
  async function pending(amountCents = 4_200) {
    const orderId = randomUUID();
    await authorize(payments, orderId, amountCents);
    const payment = await until(
      () => payments.payment(orderId),
      (row) => row?.provider_reference !== null && row !== undefined,
    );
    if (!payment?.provider_reference) throw new Error('the provider was not asked');
    const callback: ProviderCallback = {
      id: randomUUID(),
      type: 'authorization.succeeded',
      reference: payment.provider_reference,
      idempotencyKey: payment.id,
      amountCents,
      currency: 'EUR',
      createdAt: new Date().toISOString(),
    };
    return { orderId, payment, callback };
  }

  async function deliver(body: Buffer, signature: string) {
    const response = await fetch(`${payments.url}/v1/payments/provider-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [PROVIDER_SIGNATURE_HEADER]: signature },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a forged signature and a stale timestamp, and changes nothing', async () => {
    const { orderId, callback } = await pending();
    const body = Buffer.from(JSON.stringify(callback));

    const forged = await deliver(
      body,
      signProviderPayload('not-the-shared-secret-at-all-000000', now(), body),
    );
    const stale = await deliver(body, signProviderPayload(payments.secret, now() - 301, body));
    const unsigned = await fetch(`${payments.url}/v1/payments/provider-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

    expect(forged).toMatchObject({
      status: 401,
      body: { code: 'PAYMENTS.WEBHOOK_SIGNATURE_INVALID' },
    });
    expect(stale).toMatchObject({
      status: 401,
      body: { code: 'PAYMENTS.WEBHOOK_TIMESTAMP_OUT_OF_RANGE' },
    });
    expect(unsigned.status).toBe(401);
    expect((await payments.payment(orderId))?.status).toBe('PENDING');
    expect(await payments.emitted(orderId)).toEqual([]);
  });

  it('refuses a body changed after it was signed', async () => {
    const { orderId, callback } = await pending();
    const body = Buffer.from(JSON.stringify({ ...callback, type: 'authorization.declined' }));
    const signature = signProviderPayload(
      payments.secret,
      now(),
      Buffer.from(JSON.stringify(callback)),
    );
    await expect(deliver(body, signature)).resolves.toMatchObject({ status: 401 });
    expect((await payments.payment(orderId))?.status).toBe('PENDING');
  });

  it('processes a callback once, however often and however concurrently it is replayed', async () => {
    const { orderId, callback } = await pending();
    const body = Buffer.from(JSON.stringify(callback));
    const signature = signProviderPayload(payments.secret, now(), body);

    const first = await deliver(body, signature);
    const replays = await Promise.all(Array.from({ length: 6 }, () => deliver(body, signature)));

    expect(first).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(replays.map((replay) => replay.status)).toEqual(Array(6).fill(200));
    expect(
      replays.every(
        (replay) => z.object({ duplicate: z.literal(true) }).safeParse(replay.body).success,
      ),
    ).toBe(true);
    expect((await payments.payment(orderId))?.status).toBe('AUTHORIZED');
    expect((await payments.emitted(orderId)).map((event) => event.topic)).toEqual([
      'payments.payment-authorized.v1',
    ]);
  });

  it('applies only the first of two different answers for one payment', async () => {
    const { orderId, callback } = await pending();
    const approval = Buffer.from(JSON.stringify(callback));
    const refusal = Buffer.from(
      JSON.stringify({ ...callback, id: randomUUID(), type: 'authorization.declined' }),
    );
    await expect(
      deliver(approval, signProviderPayload(payments.secret, now(), approval)),
    ).resolves.toMatchObject({ status: 200 });
    await expect(
      deliver(refusal, signProviderPayload(payments.secret, now(), refusal)),
    ).resolves.toMatchObject({
      status: 200,
      body: { duplicate: false },
    });
    expect((await payments.payment(orderId))?.status).toBe('AUTHORIZED');
    expect(await payments.emitted(orderId)).toHaveLength(1);
  });

  it('releases at the provider an approval that comes after the payment was voided', async () => {
    const orderId = randomUUID();
    // The void overtakes the authorization: payments records the payment as VOIDED...
    await payments.send(VoidPayment, { orderId, amountCents: 900, currency: 'EUR' });
    const voided = await until(
      () => payments.payment(orderId),
      (row) => row !== undefined,
    );
    if (!voided) throw new Error('no void recorded');
    // ...while the provider had already been asked (the race the authorization step allows).
    const { reference } = await payments.service.app
      .get(PaymentProvider)
      .requestAuthorization({ idempotencyKey: voided.id, amountCents: 900, currency: 'EUR' });
    expect((await ledger(payments, voided.id))?.voided_at).toBeNull();

    const body = Buffer.from(
      JSON.stringify({
        id: randomUUID(),
        type: 'authorization.succeeded',
        reference,
        idempotencyKey: voided.id,
        amountCents: 900,
        currency: 'EUR',
        createdAt: new Date().toISOString(),
      } satisfies ProviderCallback),
    );
    await expect(
      deliver(body, signProviderPayload(payments.secret, now(), body)),
    ).resolves.toMatchObject({
      status: 200,
    });
    expect((await ledger(payments, voided.id))?.voided_at).toBeInstanceOf(Date);
    expect((await payments.payment(orderId))?.status).toBe('VOIDED');
    expect((await payments.emitted(orderId)).map((event) => event.topic)).toEqual([
      'payments.payment-voided.v1',
    ]);
  });

  it('answers 404 for a payment it does not know, so the provider tries again later', async () => {
    const body = Buffer.from(
      JSON.stringify({
        id: randomUUID(),
        type: 'authorization.succeeded',
        reference: 'sim_unknown',
        idempotencyKey: randomUUID(),
        amountCents: 100,
        currency: 'EUR',
        createdAt: new Date().toISOString(),
      } satisfies ProviderCallback),
    );
    await expect(
      deliver(body, signProviderPayload(payments.secret, now(), body)),
    ).resolves.toMatchObject({
      status: 404,
      body: { code: 'PAYMENTS.UNKNOWN_PAYMENT' },
    });
  });
});
