import { describe, expect, it } from '@jest/globals';
import { parseNotificationsConfig } from './notifications.config.js';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/atlas_notifications',
  ATLAS_BROKER: 'embedded',
  ATLAS_CACHE: 'memory',
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
};

describe('parseNotificationsConfig', () => {
  it('allows no private webhook target by default, and retries ten times from 10 s', () => {
    expect(parseNotificationsConfig(base).webhooks).toEqual({
      allowedTargets: [],
      retry: { maxAttempts: 10, baseDelayMs: 10_000, maxDelayMs: 6 * 60 * 60 * 1000 },
    });
  });

  it('reads the allow-list and the retry schedule', () => {
    const config = parseNotificationsConfig({
      ...base,
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1:9999, receiver.internal',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_BASE_MS: '250',
    });
    expect(config.webhooks.allowedTargets).toEqual(['127.0.0.1:9999', 'receiver.internal']);
    expect(config.webhooks.retry).toMatchObject({ maxAttempts: 3, baseDelayMs: 250 });
  });

  it('refuses a retry schedule that could not work, naming the variable', () => {
    expect(() => parseNotificationsConfig({ ...base, WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(
      /WEBHOOK_MAX_ATTEMPTS/,
    );
  });
});
