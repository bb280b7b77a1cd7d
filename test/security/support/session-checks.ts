import { expect } from '@jest/globals';
import type { TokenResponse } from '#atlas/contracts';
import type { SuiteClient } from './suite-client.js';

/**
 * After a change that ends a user's other sessions (password, MFA): the other session's access
 * and refresh tokens are refused at once, and the session that made the change goes on.
 */
export async function expectOnlyThisSessionLeft(
  client: SuiteClient,
  sessions: { readonly kept: TokenResponse; readonly ended: TokenResponse },
): Promise<void> {
  const me = (token: string) => client.request('GET', '/v1/auth/me', { token });
  expect((await me(sessions.ended.accessToken)).status).toBe(401);
  const refresh = await client.request('POST', '/v1/auth/refresh', {
    body: { refreshToken: sessions.ended.refreshToken },
  });
  expect(refresh.status).toBe(401);
  expect((await me(sessions.kept.accessToken)).status).toBe(200);
}
