import { describe, expect, it } from '@jest/globals';
import type { AuthenticatedUser } from './access-token.js';
import { VerifiedTokens } from './verified-tokens.js';

const user = (id: string): AuthenticatedUser => ({
  id,
  roles: ['customer'],
  sessionId: `session-${id}`,
  tokenId: `token-${id}`,
});

describe('VerifiedTokens', () => {
  it('answers a remembered token until its verdict runs out, then forgets it', () => {
    let now = 1_000;
    const verified = new VerifiedTokens(10, () => now);
    verified.remember('token-a', user('a'), 2_000);
    expect(verified.get('token-a')).toEqual(user('a'));
    now = 1_999;
    expect(verified.get('token-a')).toEqual(user('a'));
    now = 2_000;
    expect(verified.get('token-a')).toBeUndefined();
    now = 1_500;
    expect(verified.get('token-a')).toBeUndefined();
  });

  it('knows only the exact token: another signature or a prefix is not the same token', () => {
    const verified = new VerifiedTokens(10, () => 0);
    verified.remember('header.payload.signature', user('a'), 10);
    expect(verified.get('header.payload.signaturf')).toBeUndefined();
    expect(verified.get('header.payload.')).toBeUndefined();
  });

  it('does not remember a verdict that has already run out', () => {
    const verified = new VerifiedTokens(10, () => 5_000);
    verified.remember('late', user('a'), 5_000);
    expect(verified.get('late')).toBeUndefined();
  });

  it('keeps at most its bound, letting the oldest verdict go first', () => {
    const verified = new VerifiedTokens(2, () => 0);
    verified.remember('one', user('1'), 10);
    verified.remember('two', user('2'), 10);
    verified.remember('three', user('3'), 10);
    expect(verified.get('one')).toBeUndefined();
    expect(verified.get('two')).toEqual(user('2'));
    expect(verified.get('three')).toEqual(user('3'));
  });

  it('remembers why a token was refused, apart from the callers it verified', () => {
    let now = 0;
    const verified = new VerifiedTokens(10, () => now);
    verified.reject('forged', 'the signature does not verify', 100);
    verified.remember('good', user('g'), 100);
    expect(verified.rejection('forged')).toBe('the signature does not verify');
    expect(verified.get('forged')).toBeUndefined();
    expect(verified.rejection('good')).toBeUndefined();
    now = 100;
    expect(verified.rejection('forged')).toBeUndefined();
  });
});
