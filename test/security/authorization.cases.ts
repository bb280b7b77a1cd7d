import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  OrderAccepted,
  ProductList,
  Problem,
  type TokenResponse,
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

  it('refuses a customer and a catalog manager on every admin route with 403, at the gateway and at auth directly', async () => {
    const client = new SuiteClient(platform());
    const customer = await client.newUser();
    const manager = await catalogManager(platform(), client);
    const routes: Route[] = [
      ['GET', '/v1/admin/users'],
      ['PATCH', `/v1/admin/users/${customer.id}/roles`, { roles: ['customer'] }],
      ['POST', `/v1/admin/users/${customer.id}/disable`],
      ['GET', '/v1/admin/signing-keys'],
      ['POST', '/v1/admin/signing-keys'],
    ];
    const auth = new SuiteClient(platform(), client.ip, platform().urls.auth);
    const answers = await answersOf([client, auth], routes, [customer.tokens, manager]);
    expect(answers).toHaveLength(routes.length * 2 * 2);
    expect(answers).toEqual(answers.map(forbidden));
  });

  it('refuses a customer on every catalog-manager route with 403, at the gateway and at catalog directly', async () => {
    const client = new SuiteClient(platform());
    const customer = await client.newUser();
    const product = randomUUID();
    const routes: Route[] = [
      ['POST', '/v1/products', { sku: `X-${product}`, name: 'x', priceCents: 1, currency: 'EUR' }],
      ['PATCH', `/v1/products/${product}`, { name: 'x' }],
      ['DELETE', `/v1/products/${product}`],
      ['POST', `/v1/products/${product}/image`],
      ['POST', '/v1/products/import'],
      ['GET', `/v1/jobs/${randomUUID()}`],
    ];
    const catalog = new SuiteClient(platform(), client.ip, platform().urls.catalog);
    const answers = await answersOf([client, catalog], routes, [customer.tokens]);
    expect(answers).toHaveLength(routes.length * 2);
    expect(answers).toEqual(answers.map(forbidden));
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

/** A new user whom the admin made a catalog manager, signed in again to carry the new role. */
async function catalogManager(
  platform: SecurityPlatform,
  client: SuiteClient,
): Promise<TokenResponse> {
  const user = await client.newUser();
  const admin = await adminTokens(platform);
  const promoted = await client.request('PATCH', `/v1/admin/users/${user.id}/roles`, {
    token: admin.accessToken,
    body: { roles: ['catalog-manager'] },
  });
  expect(promoted.status).toBe(200);
  return client.tokens(user.email, user.password);
}

type Route = readonly [method: string, path: string, body?: unknown];

/** What each target answers each caller on each route: method, path, status and error code. */
async function answersOf(
  targets: readonly SuiteClient[],
  routes: readonly Route[],
  callers: readonly TokenResponse[],
): Promise<{ method: string; path: string; status: number; code: string | undefined }[]> {
  const answers = [];
  for (const [method, path, body] of routes) {
    for (const target of targets) {
      for (const { accessToken: token } of callers) {
        const answer = await target.request(method, path, { token, ...(body ? { body } : {}) });
        const code = Problem.safeParse(answer.body).data?.code;
        answers.push({ method, path, status: answer.status, code });
      }
    }
  }
  return answers;
}

/** Refused for lack of permission: 403 AUTH.FORBIDDEN, not 401, 404 or a validation 400. */
const forbidden = (answer: { method: string; path: string }) => ({
  ...answer,
  status: 403,
  code: 'AUTH.FORBIDDEN',
});
