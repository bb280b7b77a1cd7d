import { z } from 'zod';
import {
  brokerEnv,
  cacheSettings,
  brokerSettings,
  databaseEnv,
  databaseSettings,
  envVar,
  evenWithOtherProblems,
  parseConfig,
  requireAdapterAddresses,
  serviceEnv,
  serviceSettings,
  tokenVerificationEnv,
  tokenVerificationSettings,
  type Env,
} from '#atlas/config';
import { EncryptionKeysEnv } from './crypto/encryption-keys.js';

const schema = z
  .object({
    ...serviceEnv(3001),
    ...databaseEnv('auth'),
    ...brokerEnv,
    ...tokenVerificationEnv,
    // The auth service verifies its own tokens the same way every service does, through its
    // JWKS; left unset, that is its own endpoint on the loopback interface.
    AUTH_JWKS_URL: tokenVerificationEnv.AUTH_JWKS_URL.optional(),
    ACCESS_TOKEN_TTL_SECONDS: envVar.int(900, 60, 3_600),
    REFRESH_TOKEN_TTL_SECONDS: envVar.int(1_209_600, 3_600, 7_776_000),
    ATLAS_ADMIN_EMAIL: z.email().optional().describe('the first admin, development only'),
    ATLAS_ADMIN_PASSWORD: z
      .string()
      .min(12)
      .max(128)
      .optional()
      .describe('at least 12 characters, development only'),
    AUTH_ENCRYPTION_KEYS: EncryptionKeysEnv,
    // The gateway passes the client's address in X-Forwarded-For; believe it only from here.
    TRUSTED_PROXIES: envVar.list('10.0.0.0/8,127.0.0.1').default([]),
    // A new signing key is published this long before it signs, so that every verifier has
    // fetched it by then (they refetch the JWKS at most every 30 s for an unknown key id).
    SIGNING_KEY_ACTIVATION_DELAY_SECONDS: envVar.int(60, 0, 86_400),
    OIDC_ISSUER: envVar.url('https://accounts.example.com', ['http', 'https']).optional(),
    OIDC_CLIENT_ID: z
      .string()
      .min(1)
      .optional()
      .describe('the client id registered with the provider'),
    OIDC_CLIENT_SECRET: z.string().min(1).optional().describe('the client secret, a secret'),
    OIDC_REDIRECT_URI: envVar
      .url('https://shop.example.com/auth/callback', ['http', 'https'])
      .optional(),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems)
  .superRefine((env, ctx) => {
    if (Boolean(env.ATLAS_ADMIN_EMAIL) !== Boolean(env.ATLAS_ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ATLAS_ADMIN_PASSWORD'],
        message: 'and ATLAS_ADMIN_EMAIL must be set together',
      });
    }
    const oidc = [
      env.OIDC_ISSUER,
      env.OIDC_CLIENT_ID,
      env.OIDC_CLIENT_SECRET,
      env.OIDC_REDIRECT_URI,
    ];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message:
          'and OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI must be set together (or none)',
      });
    }
    if (env.OIDC_ISSUER?.startsWith('http:') && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'must use https in production',
      });
    }
    if (env.ATLAS_ADMIN_EMAIL && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['ATLAS_ADMIN_EMAIL'],
        message: 'must not be set in production: configuration never creates a production admin',
      });
    }
  }, evenWithOtherProblems);

export function parseAuthConfig(env: Env) {
  const parsed = parseConfig('auth', schema, env);
  const service = serviceSettings(parsed);
  return {
    service,
    database: databaseSettings(parsed),
    broker: brokerSettings(parsed),
    tokens: {
      ...tokenVerificationSettings({
        ...parsed,
        AUTH_JWKS_URL:
          parsed.AUTH_JWKS_URL ?? `http://127.0.0.1:${service.http.port}/.well-known/jwks.json`,
      }),
      accessTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
      keyActivationDelaySeconds: parsed.SIGNING_KEY_ACTIVATION_DELAY_SECONDS,
    },
    cache: cacheSettings(parsed),
    encryptionKeys: parsed.AUTH_ENCRYPTION_KEYS,
    trustedProxies: parsed.TRUSTED_PROXIES,
    oidc:
      parsed.OIDC_ISSUER &&
      parsed.OIDC_CLIENT_ID &&
      parsed.OIDC_CLIENT_SECRET &&
      parsed.OIDC_REDIRECT_URI
        ? {
            issuer: parsed.OIDC_ISSUER,
            clientId: parsed.OIDC_CLIENT_ID,
            clientSecret: parsed.OIDC_CLIENT_SECRET,
            redirectUri: parsed.OIDC_REDIRECT_URI,
          }
        : undefined,
    admin:
      parsed.ATLAS_ADMIN_EMAIL && parsed.ATLAS_ADMIN_PASSWORD
        ? { email: parsed.ATLAS_ADMIN_EMAIL, password: parsed.ATLAS_ADMIN_PASSWORD }
        : undefined,
  };
}

export type AuthConfig = ReturnType<typeof parseAuthConfig>;
export type TokenSettings = AuthConfig['tokens'];
export type OidcSettings = NonNullable<AuthConfig['oidc']>;
