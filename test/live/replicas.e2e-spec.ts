import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtlasClient } from '#atlas/client';
import { Product } from '#atlas/contracts';
import { freePort } from '#atlas/testing';
import { liveJourney, liveJourneyEnv } from '../journeys/live-journey.js';
import { LiveSocket, readOrderStream } from '../journeys/live-clients.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from '../journeys/platform-under-test.js';
import {
  startDistributedTestPlatform,
  type DistributedTestPlatform,
} from '../support/distributed-test-platform.js';

interface Replica {
  readonly url: string;
  readonly process: ChildProcess;
}

/**
 * Several replicas of the stateful-looking parts, as processes on real PostgreSQL, Kafka and
 * Redis: two gateways (live streams on either), two notifications (either may consume an
 * order's events) and two catalogs (each with its own in-process cache).
 */
describe('several replicas (distributed mode, real Kafka and Redis)', () => {
  let run: DistributedTestPlatform | undefined;
  const replicas = new Map<'gateway' | 'notifications' | 'catalog', Replica>();
  let images: string | undefined;

  beforeAll(async () => {
    images = await mkdtemp(join(tmpdir(), 'atlas-replica-images-'));
    run = await startDistributedTestPlatform({
      ...journeyAdminEnv,
      ...liveJourneyEnv,
      // Long enough that only an invalidation, never an expiry, can refresh a cached product.
      CATALOG_CACHE_TTL_MS: '600000',
      CATALOG_IMAGE_DIR: images,
      // This run's keys and channels, apart from any other run on the same Redis.
      REDIS_NAMESPACE: `replicas-${randomBytes(4).toString('hex')}`,
    });
    for (const name of ['gateway', 'notifications', 'catalog'] as const) {
      const port = await freePort();
      const process = await run.platform.startReplica(name, port);
      replicas.set(name, { url: `http://127.0.0.1:${port}`, process });
    }
  });

  afterAll(async () => {
    for (const replica of replicas.values()) await stopProcess(replica.process);
    await run?.cleanUp();
    if (images) await rm(images, { recursive: true, force: true });
  });

  const platform = () => {
    if (!run) throw new Error('the platform did not start');
    return run.platform;
  };
  const replica = (name: 'gateway' | 'notifications' | 'catalog') => {
    const found = replicas.get(name);
    if (!found) throw new Error(`no second ${name}`);
    return found;
  };

  liveJourney(() => ({
    gatewayUrl: platform().gatewayUrl,
    gatewayUrls: [platform().gatewayUrl, replica('gateway').url],
    admin: JOURNEY_ADMIN,
  }));

  it("drops a product from the other catalog replica's in-process cache when one replica changes it", async () => {
    const client = new AtlasClient(platform().gatewayUrl);
    const admin = await client.login(JOURNEY_ADMIN.email, JOURNEY_ADMIN.password);
    const sku = `REP-${randomUUID().slice(0, 8)}`;
    const created = await client.expect(201, Product, 'POST', '/v1/products', {
      token: admin.accessToken,
      body: { sku, name: 'Before', priceCents: 1_000, currency: 'EUR', stock: 5 },
    });
    const first = new AtlasClient(platform().urls.catalog);
    const second = new AtlasClient(replica('catalog').url);
    // The second replica reads it, and keeps it in its own memory for ten minutes.
    expect((await second.product(created.body.id)).name).toBe('Before');

    await first.expect(200, Product, 'PATCH', `/v1/products/${created.body.id}`, {
      token: admin.accessToken,
      body: { name: 'After' },
    });

    const seen = await second.eventually(
      async () => (await second.product(created.body.id)).name,
      (name) => name === 'After',
      10_000,
    );
    expect(seen).toBe('After');
  });

  it('closes its live connections when a gateway replica stops, and exits cleanly', async () => {
    const client = new AtlasClient(platform().gatewayUrl);
    const customer = await client.newCustomer();
    const [product] = (await client.products()).items;
    if (!product) throw new Error('the catalog is empty');
    const placed = await client.placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    const gateway = replica('gateway');
    const socket = await LiveSocket.open(gateway.url, customer.token);
    const stream = readOrderStream(gateway.url, placed.body.id, customer.token);
    socket.send({ type: 'subscribe', orderId: placed.body.id });
    await socket.next((message) => message.type === 'subscribed');

    const exitCode = await stopProcess(gateway.process);
    replicas.delete('gateway');

    expect(exitCode).toBe(0);
    expect(await socket.closed()).toBe(1001);
    const ended = await stream;
    expect(ended.kind === 'stream' && ended.ended).toBe(true);
  });
});

async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return child.exitCode;
}
