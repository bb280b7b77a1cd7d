import { TokenResponse } from '#atlas/contracts';
import { AtlasClient } from '#atlas/client';
import { SUITE_ADMIN, type SecurityPlatform } from './security-platform.js';

let signedIn: Promise<TokenResponse> | undefined;

/**
 * The first admin's tokens, signed in once for the whole suite: the admin is one account, and
 * its per-account login limits apply to the suite as to anyone.
 */
export function adminTokens(platform: SecurityPlatform): Promise<TokenResponse> {
  signedIn ??= (async () => {
    const result = await new AtlasClient(platform.gatewayUrl).request('POST', '/v1/auth/login', {
      body: SUITE_ADMIN,
      headers: { 'x-forwarded-for': '198.19.255.1' },
    });
    const tokens = TokenResponse.parse(result.body);
    platform.secrets.add(tokens.accessToken);
    platform.secrets.add(tokens.refreshToken);
    return tokens;
  })();
  return signedIn;
}
