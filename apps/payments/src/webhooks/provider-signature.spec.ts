import { describe, expect, it } from '@jest/globals';
import { signProviderPayload, verifyProviderSignature } from './provider-signature.js';

const secret = 'whsec-test-0123456789abcdef0123456789abcdef';
const body = Buffer.from('{"id":"cb-1","type":"authorization.succeeded"}');
const signedAt = new Date('2026-11-26T10:00:00Z');
const t = Math.floor(signedAt.getTime() / 1000);
const options = { secret, toleranceSeconds: 300, now: signedAt };

describe('provider webhook signatures', () => {
  it('accepts a body signed with the shared secret', () => {
    const header = signProviderPayload(secret, t, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyProviderSignature(header, body, options)).toEqual({
      valid: true,
      timestampSeconds: t,
    });
  });

  it('refuses a body changed after signing, even by one byte', () => {
    const header = signProviderPayload(secret, t, body);
    const changed = Buffer.from(body.toString().replace('succeeded', 'succeedeD'));
    expect(verifyProviderSignature(header, changed, options)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature made with another secret', () => {
    const header = signProviderPayload(`${secret}-other`, t, body);
    expect(verifyProviderSignature(header, body, options)).toMatchObject({ reason: 'mismatch' });
  });

  it('refuses a signed time moved to make an old callback look fresh', () => {
    const header = signProviderPayload(secret, t - 3_600, body).replace(/^t=\d+/, `t=${t}`);
    expect(verifyProviderSignature(header, body, options)).toMatchObject({ reason: 'mismatch' });
  });

  it('refuses a timestamp outside the tolerance, in the past or the future', () => {
    const old = signProviderPayload(secret, t - 301, body);
    const future = signProviderPayload(secret, t + 301, body);
    const edge = signProviderPayload(secret, t - 300, body);
    expect(verifyProviderSignature(old, body, options)).toEqual({ valid: false, reason: 'stale' });
    expect(verifyProviderSignature(future, body, options)).toMatchObject({ reason: 'stale' });
    expect(verifyProviderSignature(edge, body, options)).toMatchObject({ valid: true });
  });

  it('accepts any of several signatures, so the secret can be rotated', () => {
    const old = signProviderPayload(`${secret}-old`, t, body).split(',')[1];
    const current = signProviderPayload(secret, t, body);
    expect(verifyProviderSignature(`${current},${old}`, body, options)).toMatchObject({
      valid: true,
    });
    expect(verifyProviderSignature(`t=${t},${old},v0=ignored`, body, options)).toMatchObject({
      reason: 'mismatch',
    });
  });

  it.each([
    ['missing', undefined],
    ['missing', ''],
    ['malformed', 'v1=abc'],
    ['malformed', `t=${t}`],
    ['malformed', `t=${t},v1=not-hex`],
    ['malformed', `t=${t},t=${t},v1=${'0'.repeat(64)}`],
    ['malformed', `t=soon,v1=${'0'.repeat(64)}`],
  ])('calls the header %s: %p', (reason, header) => {
    expect(verifyProviderSignature(header, body, options)).toEqual({ valid: false, reason });
  });
});
