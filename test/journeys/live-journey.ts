import { afterEach, expect, it } from '@jest/globals';
import { AtlasClient } from '#atlas/client';
import { ORDER_STATUSES, type LiveOrderUpdate, type Product } from '#atlas/contracts';
import { LiveSocket, readOrderStream } from './live-clients.js';
import type { PlatformUnderTest } from './platform-under-test.js';

/**
 * A platform for this journey: one or more gateway replicas (requests, streams and sockets
 * are spread over them) and a payment provider that answers after a delay long enough for a
 * stream to open while the order is still on its way (PAYMENT_PROVIDER_CALLBACK_DELAY_MS).
 */
export interface LivePlatformUnderTest extends PlatformUnderTest {
  readonly gatewayUrls: readonly string[];
}

export const liveJourneyEnv = { PAYMENT_PROVIDER_CALLBACK_DELAY_MS: '2000' };

/**
 * Live order status through the gateway: SSE and WebSocket, to the order's owner only, with
 * the order placed on one gateway replica and watched on another.
 */
export function liveJourney(platform: () => LivePlatformUnderTest): void {
  const gateway = (index: number) => {
    const urls = platform().gatewayUrls;
    const url = urls[index % urls.length];
    if (!url) throw new Error('no gateway');
    return url;
  };
  const sockets: LiveSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('streams an order’s status to its owner over SSE, pushed as it changes', async () => {
    const customer = await new AtlasClient(gateway(0)).newCustomer();
    const order = await placeOrder(gateway(0), customer.token);

    // Placed through the first replica, watched through the second (where there are two).
    const stream = await readOrderStream(gateway(1), order, customer.token);

    if (stream.kind !== 'stream') throw new Error(`stream refused: ${JSON.stringify(stream)}`);
    expect(stream.ended).toBe(true);
    const [snapshot, ...changes] = stream.events;
    // First the status the order had when the stream opened, then the changes as they came.
    expect(snapshot?.occurredAt).toBeUndefined();
    expect(['PENDING', 'STOCK_RESERVED']).toContain(snapshot?.status);
    expect(changes.at(-1)).toMatchObject({ orderId: order, status: 'CONFIRMED' });
    expect(changes.every((change) => change.occurredAt !== undefined)).toBe(true);
    expectProgressing(stream.events);
  });

  it('pushes an order’s status to its owner over WebSocket, on another replica', async () => {
    const customer = await new AtlasClient(gateway(0)).newCustomer();
    const socket = await LiveSocket.open(gateway(1), customer.token, 'subprotocol');
    sockets.push(socket);
    const order = await placeOrder(gateway(0), customer.token);

    socket.send({ type: 'subscribe', orderId: order });

    const subscribed = await socket.next((message) => message.type === 'subscribed');
    expect(subscribed).toMatchObject({ type: 'subscribed', order: { orderId: order } });
    const confirmed = await socket.next(
      (message) => message.type === 'order-status' && message.order.status === 'CONFIRMED',
    );
    expect(confirmed).toMatchObject({ order: { orderId: order, occurredAt: expect.any(String) } });
    const updates = socket.messages.flatMap((message) =>
      message.type === 'subscribed' || message.type === 'order-status' ? [message.order] : [],
    );
    expectProgressing(updates);
  });

  it('refuses other users, admins included, and callers without a valid token, on SSE and WebSocket', async () => {
    const client = new AtlasClient(gateway(0));
    const owner = await client.newCustomer();
    const stranger = await client.newCustomer();
    const { admin: adminAccount } = platform();
    const admin = await client.login(adminAccount.email, adminAccount.password);
    const order = await placeOrder(gateway(0), owner.token);
    const strangerSocket = await LiveSocket.open(gateway(1), stranger.token);
    sockets.push(strangerSocket);

    strangerSocket.send({ type: 'subscribe', orderId: order });
    const refused = await strangerSocket.next((message) => message.type === 'error');
    expect(refused).toMatchObject({ type: 'error', code: 'ORDERS.NOT_FOUND', orderId: order });

    for (const [who, token, status, code] of [
      ['a stranger', stranger.token, 404, 'ORDERS.NOT_FOUND'],
      // An admin may read any order, but its live status is its owner's alone (DESIGN.md).
      ['an admin', admin.accessToken, 404, 'ORDERS.NOT_FOUND'],
      ['nobody', undefined, 401, 'AUTH.UNAUTHENTICATED'],
      ['a forged token', `${owner.token.slice(0, -4)}AAAA`, 401, 'AUTH.UNAUTHENTICATED'],
    ] as const) {
      for (const index of [0, 1]) {
        const stream = await readOrderStream(gateway(index), order, token);
        const answer = stream.kind === 'refused' ? [stream.status, stream.problem.code] : [200];
        expect([who, ...answer]).toEqual([who, status, code]);
      }
    }
    expect(await LiveSocket.refusal(gateway(0), '/v1/ws')).toBe(401);
    expect(await LiveSocket.refusal(gateway(1), '/v1/ws', 'not-a-token')).toBe(401);
    expect(await LiveSocket.refusal(gateway(0), '/v1/elsewhere', owner.token)).toBe(404);

    // The owner, meanwhile, sees the order through; the stranger was never told anything.
    const ownerStream = await readOrderStream(gateway(1), order, owner.token);
    expect(ownerStream.kind === 'stream' && ownerStream.events.at(-1)?.status).toBe('CONFIRMED');
    expect(strangerSocket.messages.filter((message) => message.type !== 'error')).toEqual([]);
  });

  async function placeOrder(gatewayUrl: string, token: string): Promise<string> {
    const client = new AtlasClient(gatewayUrl);
    const product = cheapest((await client.products()).items);
    const placed = await client.placeOrder(token, [{ productId: product.id, quantity: 1 }]);
    return placed.body.id;
  }
}

/** Statuses only move forward: PENDING, STOCK_RESERVED, then CONFIRMED or CANCELLED. */
function expectProgressing(updates: readonly LiveOrderUpdate[]): void {
  const positions = updates.map((update) => Math.min(ORDER_STATUSES.indexOf(update.status), 2));
  expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
}

function cheapest(products: readonly Product[]): Product {
  const [product] = products
    .filter((candidate) => candidate.stock > 10)
    .toSorted((a, b) => a.priceCents - b.priceCents);
  if (!product) throw new Error('the catalog has no product in stock');
  return product;
}
