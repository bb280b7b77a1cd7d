import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';
import { freePort } from '#atlas/testing';

export interface ProviderAccount {
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
}

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Accounts people can sign in with at the provider, by login name. */
  readonly accounts: Map<string, ProviderAccount>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package, certified by the OpenID
 * Foundation) on a loopback port: discovery, JWKS, authorization with its own login and consent
 * pages, PKCE required, a token endpoint with client authentication, and RS256-signed ID tokens.
 * Atlas's auth service talks to it over HTTP exactly as it would to a hosted provider.
 */
export async function startOidcTestProvider(): Promise<OidcTestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'atlas-security-suite';
  const clientSecret = randomBytes(24).toString('base64url');
  // The browser app's callback page; Atlas only needs it to match what the provider has.
  const redirectUri = 'http://127.0.0.1:5173/auth/callback';
  const accounts = new Map<string, ProviderAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });

  // It warns that it keeps its state in memory and serves its own login pages: a development
  // setup, which is what a test wants. Everything else it says still shows.
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => {
    if (!String(parts[0]).startsWith('oidc-provider WARNING')) warn(...parts);
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: {
      keys: [{ ...(await exportJWK(privateKey)), kid: 'suite-rs256', alg: 'RS256', use: 'sig' }],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Put the email claims in the ID token itself, which is what Atlas reads.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
        }),
      };
    },
  });
  const handle = provider.callback();
  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        console.warn = warn;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
