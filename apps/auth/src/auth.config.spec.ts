import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '#atlas/config';
import { parseAuthConfig } from './auth.config.js';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/atlas_auth',
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  AUTH_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('parseAuthConfig', () => {
  it('defaults the JWKS it verifies with to its own endpoint', () => {
    const config = parseAuthConfig({ ...base, PORT: '4001' });
    expect(config.tokens.jwksUrl).toBe('http://127.0.0.1:4001/.well-known/jwks.json');
    expect(config.tokens).toMatchObject({
      issuer: 'atlas-auth',
      audience: 'atlas',
      accessTtlSeconds: 900,
    });
    expect(config.admin).toBeUndefined();
  });

  it('needs the admin email and password together', () => {
    expect(() => parseAuthConfig({ ...base, ATLAS_ADMIN_EMAIL: 'admin@example.com' })).toThrow(
      /ATLAS_ADMIN_PASSWORD and ATLAS_ADMIN_EMAIL must be set together/,
    );
  });

  it('refuses a configured admin in production', () => {
    expect(() =>
      parseAuthConfig({
        ...base,
        NODE_ENV: 'production',
        ATLAS_ADMIN_EMAIL: 'admin@example.com',
        ATLAS_ADMIN_PASSWORD: 'a long enough passphrase',
      }),
    ).toThrow(ConfigError);
  });

  it('needs an encryption key and Redis, and says how to provide them', () => {
    const { AUTH_ENCRYPTION_KEYS: _keys, REDIS_URL: _redis, ...rest } = base;
    expect(() => parseAuthConfig(rest)).toThrow(/AUTH_ENCRYPTION_KEYS is required \(id:base64/);
    expect(() => parseAuthConfig(rest)).toThrow(/REDIS_URL is required unless ATLAS_CACHE=memory/);
    expect(parseAuthConfig(base).encryptionKeys.map((key) => key.id)).toEqual(['k1']);
  });

  it('needs the four OIDC settings together, and https in production', () => {
    const oidc = {
      OIDC_ISSUER: 'http://127.0.0.1:9000',
      OIDC_CLIENT_ID: 'atlas',
      OIDC_CLIENT_SECRET: 'a client secret',
      OIDC_REDIRECT_URI: 'http://127.0.0.1:5173/callback',
    };
    expect(parseAuthConfig(base).oidc).toBeUndefined();
    expect(parseAuthConfig({ ...base, ...oidc }).oidc).toMatchObject({ clientId: 'atlas' });
    expect(() => parseAuthConfig({ ...base, OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(
      /must be set together/,
    );
    expect(() => parseAuthConfig({ ...base, ...oidc, NODE_ENV: 'production' })).toThrow(
      /OIDC_ISSUER must use https in production/,
    );
  });

  it('names a missing database URL', () => {
    expect(() => parseAuthConfig({ KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(
      /DATABASE_URL is required/,
    );
  });
});
