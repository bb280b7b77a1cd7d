import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '#atlas/config';
import { parseAuthConfig } from './auth.config.js';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/atlas_auth',
  KAFKA_BROKERS: '127.0.0.1:9092',
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

  it('names a missing database URL', () => {
    expect(() => parseAuthConfig({ KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(
      /DATABASE_URL is required/,
    );
  });
});
