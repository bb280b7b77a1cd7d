import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AtlasClient } from '#atlas/client';
import { Problem, Product, TokenResponse } from '#atlas/contracts';
import type { PlatformUnderTest } from './platform-under-test.js';

/**
 * Sessions, roles and the catalog's write path through the gateway, shared by both modes.
 */
export function sessionJourney(platform: () => PlatformUnderTest): void {
  const client = () => new AtlasClient(platform().gatewayUrl);

  it('rotates refresh tokens and ends the session when an old one is used again', async () => {
    const customer = await client().newCustomer();
    const first = await client().login(customer.email, customer.password);

    const second = (
      await client().expect(200, TokenResponse, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      })
    ).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reuse = await client().request('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(Problem.parse(reuse.body).code).toBe('AUTH.INVALID_REFRESH_TOKEN');

    // The reuse revoked the whole family: the newest token no longer works either.
    const afterReuse = await client().request('POST', '/v1/auth/refresh', {
      body: { refreshToken: second.refreshToken },
    });
    expect(afterReuse.status).toBe(401);
  });

  it('logs out: the session’s refresh and access tokens stop working', async () => {
    const customer = await client().newCustomer();
    const tokens = await client().login(customer.email, customer.password);
    const logout = await client().request('POST', '/v1/auth/logout', {
      token: tokens.accessToken,
      body: { refreshToken: tokens.refreshToken },
    });
    expect(logout.status).toBe(204);
    const refresh = await client().request('POST', '/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // Its access token too, at once, not when it expires: every app checks revocations.
    const me = await client().request('GET', '/v1/auth/me', { token: tokens.accessToken });
    expect(me.status).toBe(401);
    const orders = await client().request('GET', '/v1/orders', { token: tokens.accessToken });
    expect(orders.status).toBe(401);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const customer = await client().newCustomer();
    const wrongPassword = await client().request('POST', '/v1/auth/login', {
      body: { email: customer.email, password: 'not the password' },
    });
    const unknownEmail = await client().request('POST', '/v1/auth/login', {
      body: { email: `nobody-${randomUUID()}@example.com`, password: 'not the password' },
    });
    expect(wrongPassword.status).toBe(401);
    const strip = (body: unknown) => {
      const { traceId: _trace, ...rest } = Problem.parse(body);
      return rest;
    };
    expect(strip(unknownEmail.body)).toEqual(strip(wrongPassword.body));
  });

  it('lets only catalog managers and admins add products, which then show up at once', async () => {
    const sku = `JRN-${randomUUID().slice(0, 8)}`;
    const product = {
      sku,
      name: `Journey lantern ${sku}`,
      description: 'A lantern added by a journey test',
      priceCents: 2_500,
      currency: 'EUR',
      stock: 7,
    };
    const customer = await client().newCustomer();
    const refused = await client().request('POST', '/v1/products', {
      token: customer.token,
      body: product,
    });
    expect(refused.status).toBe(403);

    // Read the list first so it is cached: the new product must still appear afterwards.
    await client().products();
    const admin = await client().login(platform().admin.email, platform().admin.password);
    const created = await client().expect(201, Product, 'POST', '/v1/products', {
      token: admin.accessToken,
      body: product,
    });
    expect(created.body).toMatchObject({ sku, stock: 7, priceCents: 2_500 });

    const listed = await client().products();
    expect(listed.items.map((item) => item.sku)).toContain(sku);
    const duplicate = await client().request('POST', '/v1/products', {
      token: admin.accessToken,
      body: product,
    });
    expect(duplicate.status).toBe(409);
  });

  it('refuses fields a customer may not set, and a reused idempotency key with a new body', async () => {
    const customer = await client().newCustomer();
    const [product] = (await client().products()).items;
    if (!product) throw new Error('the catalog is empty');

    const withStatus = await client().request('POST', '/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { items: [{ productId: product.id, quantity: 1 }], status: 'CONFIRMED' },
    });
    expect(withStatus.status).toBe(400);

    const key = randomUUID();
    await client().placeOrder(customer.token, [{ productId: product.id, quantity: 1 }], key);
    const changed = await client().request('POST', '/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': key },
      body: { items: [{ productId: product.id, quantity: 2 }] },
    });
    expect(changed.status).toBe(422);
    expect(Problem.parse(changed.body).code).toBe('ORDERS.IDEMPOTENCY_KEY_REUSED');
  });
}
