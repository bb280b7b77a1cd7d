import { expect, it } from '@jest/globals';
import { Problem } from '#atlas/contracts';
import { poll } from './support/poll.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';

/** Item 3's revocation check fails closed: no Redis, no access. */
export function failClosedCases(platform: () => SecurityPlatform): void {
  it('refuses every access token while Redis is unreachable, and takes them again once it is back', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const token = user.tokens.accessToken;
    const orders = new SuiteClient(platform(), client.ip, platform().urls.orders);
    expect((await client.request('GET', '/v1/auth/me', { token })).status).toBe(200);

    await platform().redisProxy.stop();
    try {
      const atGateway = await client.request('GET', '/v1/auth/me', { token });
      expect(atGateway.status).toBe(503);
      expect(Problem.parse(atGateway.body).code).toBe('AUTH.UNAVAILABLE');
      expect((await orders.request('GET', '/v1/orders', { token })).status).toBe(503);
      const login = await client.request('POST', '/v1/auth/login', {
        body: { email: user.email, password: user.password },
      });
      expect(login.status).toBe(503);
      // What needs no identity keeps working: the catalog reads through its cache's outage.
      expect((await client.request('GET', '/v1/products')).status).toBe(200);
    } finally {
      await platform().redisProxy.start();
    }
    const back = await poll(
      () => client.request('GET', '/v1/auth/me', { token }),
      (answer) => answer.status === 200,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(back.status).toBe(200);
  });
}
