import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  OrderAccepted,
  ProductList,
  Problem,
  TotpSetupResponse,
  UserProfile,
} from '#atlas/contracts';
import { adminTokens } from './support/admin.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';
import { currentStep, totpCodeFor } from './support/totp-codes.js';

/** Item 4 and the API Top 10's BOLA, BFLA and mass assignment. */
export function authorizationCases(platform: () => SecurityPlatform): void {
  it('answers 404 to a user reading another user’s order, as if it did not exist (BOLA)', async () => {
    const owner = new SuiteClient(platform());
    const intruder = new SuiteClient(platform());
    const ownerTokens = (await owner.newUser()).tokens;
    const intruderTokens = (await intruder.newUser()).tokens;
    const [product] = ProductList.parse(
      (await owner.request('GET', '/v1/products?limit=1')).body,
    ).items;
    if (!product) throw new Error('the demo catalog is empty');
    const placed = await owner.request('POST', '/v1/orders', {
      token: ownerTokens.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(placed.status).toBe(202);
    const { id } = OrderAccepted.parse(placed.body);

    for (const path of [`/v1/orders/${id}`, `/v1/orders/${id}/events`]) {
      const stolen = await intruder.request('GET', path, { token: intruderTokens.accessToken });
      const missing = await intruder.request('GET', path.replace(id, randomUUID()), {
        token: intruderTokens.accessToken,
      });
      expect(stolen.status).toBe(404);
      expect(Problem.parse(stolen.body).code).toBe(Problem.parse(missing.body).code);
      expect((await owner.request('GET', path, { token: ownerTokens.accessToken })).status).toBe(
        200,
      );
    }
    const admin = await adminTokens(platform());
    expect(
      (await owner.request('GET', `/v1/orders/${id}`, { token: admin.accessToken })).status,
    ).toBe(200);
  });

  it('refuses a customer on every admin route with 403, at the gateway and at auth directly', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const token = user.tokens.accessToken;
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/users'],
      ['PATCH', `/v1/admin/users/${user.id}/roles`, { roles: ['customer'] }],
      ['POST', `/v1/admin/users/${user.id}/disable`],
      ['GET', '/v1/admin/signing-keys'],
      ['POST', '/v1/admin/signing-keys'],
    ];
    const auth = new SuiteClient(platform(), client.ip, platform().urls.auth);
    for (const [method, path, body] of routes) {
      for (const target of [client, auth]) {
        const answer = await target.request(method, path, { token, ...(body ? { body } : {}) });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
      }
    }
  });

  it('never lets a user choose their own role', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const selfPromotion = await client.request('PATCH', `/v1/admin/users/${user.id}/roles`, {
      token: user.tokens.accessToken,
      body: { roles: ['admin'] },
    });
    expect(selfPromotion.status).toBe(403);

    const withRoles = await client.request('POST', '/v1/auth/register', {
      body: {
        email: `roles-${randomUUID()}@example.com`,
        password: platform().secrets.add(`pw ${randomUUID()}`),
        displayName: 'Mallory',
        roles: ['admin'],
      },
    });
    expect(withRoles.status).toBe(400);
    const me = UserProfile.parse(
      (await client.request('GET', '/v1/auth/me', { token: user.tokens.accessToken })).body,
    );
    expect(me.roles).toEqual(['customer']);

    const admin = await adminTokens(platform());
    const adminId = UserProfile.parse(
      (await client.request('GET', '/v1/auth/me', { token: admin.accessToken })).body,
    ).id;
    const selfDemotion = await client.request('PATCH', `/v1/admin/users/${adminId}/roles`, {
      token: admin.accessToken,
      body: { roles: ['customer'] },
    });
    expect(selfDemotion.status).toBe(409);
  });

  it('never returns a password hash, a TOTP secret or another user’s token', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const setup = TotpSetupResponse.parse(
      (await client.request('POST', '/v1/auth/mfa/totp/setup', { token: user.tokens.accessToken }))
        .body,
    );
    const enabled = await client.request('POST', '/v1/auth/mfa/totp/enable', {
      token: user.tokens.accessToken,
      body: { code: await totpCodeFor(setup.secret, currentStep()) },
    });
    expect(enabled.status).toBe(200);

    const admin = await adminTokens(platform());
    const other = await new SuiteClient(platform()).newUser();
    const answers = [
      await client.request('GET', `/v1/admin/users?q=${encodeURIComponent(user.email)}`, {
        token: admin.accessToken,
      }),
      await client.request('GET', '/v1/admin/users?limit=100', { token: admin.accessToken }),
      await client.request('GET', '/v1/auth/me', { token: other.tokens.accessToken }),
      await client.request('POST', '/v1/auth/register', {
        body: {
          email: `leak-${randomUUID()}@example.com`,
          password: platform().secrets.add(`pw ${randomUUID()}`),
          displayName: 'Eve',
        },
      }),
    ];
    expect(answers[0]?.body).toMatchObject({ items: [{ id: user.id, mfaEnabled: true }] });
    for (const answer of answers) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toMatch(/\$argon2|password|secret_?encrypted|token_?hash/i);
      for (const secret of [setup.secret, user.tokens.accessToken, user.tokens.refreshToken]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('answers 401 to a service called directly, around the gateway, without a token', async () => {
    const calls: [keyof SecurityPlatform['urls'], string, string][] = [
      ['auth', 'GET', '/v1/auth/me'],
      ['auth', 'GET', '/v1/admin/users'],
      ['auth', 'POST', '/v1/auth/mfa/totp/setup'],
      ['orders', 'GET', '/v1/orders'],
      ['notifications', 'GET', '/v1/notifications'],
    ];
    for (const [service, method, path] of calls) {
      const answer = await new SuiteClient(platform(), undefined, platform().urls[service]).request(
        method,
        path,
      );
      expect({ service, path, status: answer.status }).toEqual({ service, path, status: 401 });
    }
    const createProduct = await new SuiteClient(
      platform(),
      undefined,
      platform().urls.catalog,
    ).request('POST', '/v1/products', {
      body: {
        sku: `NO-${randomUUID().slice(0, 8)}`,
        name: 'Unauthorised lamp',
        priceCents: 1,
        currency: 'EUR',
        stock: 1,
      },
    });
    expect(createProduct.status).toBe(401);
  });
}
