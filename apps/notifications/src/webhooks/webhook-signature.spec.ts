import { describe, expect, it } from '@jest/globals';
import { newWebhookSecret, signWebhook } from './webhook-signature.js';

describe('signWebhook', () => {
  it('signs "<unix seconds>.<body>" with HMAC-SHA256 under the secret, as documented', () => {
    const at = new Date('2026-11-26T12:00:00.000Z');
    // printf '1795694400.{"id":1}' | openssl dgst -sha256 -hmac whsec_example
    expect(signWebhook('whsec_example', '{"id":1}', at)).toBe(
      't=1795694400,v1=c07ece3096121f2879096b4630c1e5ca0f465c5ef501ba3caa4770d0f93c7de5',
    );
  });

  it('makes secrets of 256 random bits', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
