import { z } from 'zod';
import {
  brokerEnv,
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
    },
    admin:
      parsed.ATLAS_ADMIN_EMAIL && parsed.ATLAS_ADMIN_PASSWORD
        ? { email: parsed.ATLAS_ADMIN_EMAIL, password: parsed.ATLAS_ADMIN_PASSWORD }
        : undefined,
  };
}

export type AuthConfig = ReturnType<typeof parseAuthConfig>;
export type TokenSettings = AuthConfig['tokens'];
