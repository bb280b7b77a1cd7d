import { afterAll, expect, it } from '@jest/globals';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import {
  CreatedWebhookSubscription,
  pageOf,
  Problem,
  WebhookDelivery,
  WebhookPayload,
} from '#atlas/contracts';
import type { PlatformUnderTest } from './platform-under-test.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** The journeys' receiver is the one private target the platform allows. */
export interface WebhooksPlatformUnderTest extends PlatformUnderTest {
  readonly webhookReceiverPort: number;
}

/**
 * What a platform needs for this journey: its receiver allow-listed (everything else on this
 * machine stays refused), and retries quick enough for a test.
 */
export function webhooksJourneyEnv(receiverPort: number): Record<string, string> {
  return {
    WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiverPort}`,
    WEBHOOK_RETRY_BASE_MS: '400',
    WEBHOOK_MAX_ATTEMPTS: '5',
  };
}

const DeliveryPage = pageOf(WebhookDelivery);

/**
 * Outgoing webhooks through the gateway, in both modes: SSRF refusals, signed deliveries that
 * survive the receiver being down, dead letters, and a delivery log only its owner can read.
 */
export function webhooksJourney(platform: () => WebhooksPlatformUnderTest): void {
  const client = () => new AtlasClient(platform().gatewayUrl);
  let receiver: WebhookReceiver | undefined;
  const receiverOf = () => (receiver ??= new WebhookReceiver(platform().webhookReceiverPort));
  afterAll(async () => {
    await receiver?.stop();
  });

  it('refuses targets that are, or resolve to, private, loopback or link-local addresses', async () => {
    const customer = await client().newCustomer();
    const port = platform().webhookReceiverPort;
    const refused = [
      `http://127.0.0.1:${port + 1}/hook`, // loopback, but not the allow-listed port
      `http://localhost:${port}/hook`, // a name that resolves to loopback
      'http://10.0.0.5/hook',
      'http://192.168.1.10:8080/hook',
      'http://169.254.169.254/latest/meta-data/', // cloud metadata
      `http://[::1]:${port}/hook`,
      'http://[::ffff:127.0.0.1]/hook', // IPv4 hidden in IPv6
      'http://0x7f000001/hook', // 127.0.0.1 spelled in hex
      'http://0.0.0.0/hook',
    ];
    for (const url of refused) {
      const answer = await client().request('POST', '/v1/webhooks/subscriptions', {
        token: customer.token,
        body: { url, events: ['order.confirmed'] },
      });
      expect([url, answer.status, Problem.parse(answer.body).code]).toEqual([
        url,
        422,
        'WEBHOOKS.TARGET_NOT_ALLOWED',
      ]);
    }
    for (const url of ['ftp://example.com/hook', 'http://user:secret@example.com/hook']) {
      const answer = await client().request('POST', '/v1/webhooks/subscriptions', {
        token: customer.token,
        body: { url, events: ['order.confirmed'] },
      });
      expect([url, answer.status]).toEqual([url, 400]);
    }
    const list = await client().request('GET', '/v1/webhooks/subscriptions', {
      token: customer.token,
    });
    expect(list.body).toEqual([]);
  });

  it('delivers signed events once the receiver is back, and logs them for their owner only', async () => {
    const customer = await client().newCustomer();
    const subscription = await subscribe(customer.token, receiverOf().url('/ok'), [
      'order.placed',
      'order.confirmed',
    ]);
    // The receiver is down: nothing listens on its port yet.
    const product = await cheapestProduct();
    const placed = await client().placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    await client().settledOrder(customer.token, placed.body.id);
    const failing = await deliveriesUntil(
      customer.token,
      subscription.id,
      (items) => items.length === 2 && items.every((item) => item.attempts >= 2),
    );
    expect(failing.every((item) => item.status === 'PENDING' && item.lastError)).toBe(true);

    await receiverOf().start();
    const delivered = await deliveriesUntil(customer.token, subscription.id, (items) =>
      items.every((item) => item.status === 'DELIVERED'),
    );
    expect(
      delivered
        .map((item) => [item.eventType, item.status, item.lastStatusCode])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['order.confirmed', 'DELIVERED', 204],
      ['order.placed', 'DELIVERED', 204],
    ]);
    expect(delivered.every((item) => item.attempts >= 3)).toBe(true);

    const requests = receiverOf().received.filter((request) =>
      delivered.some((item) => item.id === request.headers['atlas-webhook-id']),
    );
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      const signature = String(request.headers['atlas-signature']);
      expect(verifySignature(subscription.secret, signature, request.body)).toBe(true);
      expect(verifySignature('whsec_not-the-secret', signature, request.body)).toBe(false);
      const payload = WebhookPayload.parse(JSON.parse(request.body));
      expect(payload.id).toBe(request.headers['atlas-webhook-id']);
      expect(payload.type).toBe(request.headers['atlas-event']);
      expect(payload.data.orderId).toBe(placed.body.id);
    }

    const stranger = await client().newCustomer();
    const peek = await client().request(
      'GET',
      `/v1/webhooks/subscriptions/${subscription.id}/deliveries`,
      { token: stranger.token },
    );
    expect([peek.status, Problem.parse(peek.body).code]).toEqual([
      404,
      'WEBHOOKS.SUBSCRIPTION_NOT_FOUND',
    ]);
    const anonymous = await client().request(
      'GET',
      `/v1/webhooks/subscriptions/${subscription.id}/deliveries`,
    );
    expect(anonymous.status).toBe(401);
  });

  it('dead-letters a delivery whose every attempt failed', async () => {
    await receiverOf().start();
    const customer = await client().newCustomer();
    const subscription = await subscribe(customer.token, receiverOf().url('/failing'), [
      'order.placed',
    ]);
    const product = await cheapestProduct();
    await client().placeOrder(customer.token, [{ productId: product.id, quantity: 1 }]);

    const [dead] = await deliveriesUntil(customer.token, subscription.id, (items) =>
      items.some((item) => item.status === 'DEAD_LETTERED'),
    );
    expect(dead).toMatchObject({
      eventType: 'order.placed',
      status: 'DEAD_LETTERED',
      attempts: 5,
      lastStatusCode: 500,
      nextAttemptAt: null,
      deliveredAt: null,
    });
  });

  async function subscribe(token: string, url: string, events: string[]) {
    const created = await client().expect(
      201,
      CreatedWebhookSubscription,
      'POST',
      '/v1/webhooks/subscriptions',
      { token, body: { url, events } },
    );
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    return created.body;
  }

  async function deliveriesUntil(
    token: string,
    subscriptionId: string,
    done: (items: z.infer<typeof WebhookDelivery>[]) => boolean,
  ) {
    const read = async () =>
      (
        await client().expect(
          200,
          DeliveryPage,
          'GET',
          `/v1/webhooks/subscriptions/${subscriptionId}/deliveries`,
          { token },
        )
      ).body.items;
    const items = await client().eventually(
      read,
      (found) => found.length > 0 && done(found),
      60_000,
    );
    if (!done(items)) throw new Error(`deliveries never got there: ${JSON.stringify(items)}`);
    return items;
  }

  async function cheapestProduct() {
    const products = (await client().products()).items.filter((product) => product.stock > 10);
    const [product] = products.toSorted((a, b) => a.priceCents - b.priceCents);
    if (!product) throw new Error('the catalog has no product in stock');
    return product;
  }
}

/**
 * A receiver's check, written from docs/webhooks-out.md and not from the sender's code: the
 * HMAC-SHA256 of `<t>.<body>` with the secret, compared in constant time, and a timestamp
 * within five minutes of now.
 */
function verifySignature(secret: string, header: string, body: string): boolean {
  const fields = new Map(
    header.split(',').map((part) => {
      const [name = '', value = ''] = part.split('=');
      return [name, value] as const;
    }),
  );
  const timestamp = Number(fields.get('t'));
  const given = Buffer.from(fields.get('v1') ?? '', 'hex');
  const expected = createHmac('sha256', secret)
    .update(`${fields.get('t')}.${body}`)
    .digest();
  const fresh = Math.abs(Date.now() / 1000 - timestamp) <= 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}
