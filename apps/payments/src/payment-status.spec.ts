import { describe, expect, it } from '@jest/globals';
import { decideOnCallback, decideOnVoid } from './payment-status.js';

describe('a provider callback', () => {
  it('settles a pending payment with the provider’s answer', () => {
    expect(decideOnCallback('PENDING', 'authorization.succeeded')).toEqual({
      kind: 'settle',
      status: 'AUTHORIZED',
    });
    expect(decideOnCallback('PENDING', 'authorization.declined')).toEqual({
      kind: 'settle',
      status: 'DECLINED',
    });
  });

  it('releases the hold of an approval that came after the void', () => {
    expect(decideOnCallback('VOIDED', 'authorization.succeeded')).toEqual({ kind: 'release-hold' });
    expect(decideOnCallback('VOIDED', 'authorization.declined')).toEqual({ kind: 'ignore' });
  });

  it('changes nothing once the payment is settled', () => {
    expect(decideOnCallback('AUTHORIZED', 'authorization.declined')).toEqual({ kind: 'ignore' });
    expect(decideOnCallback('DECLINED', 'authorization.succeeded')).toEqual({ kind: 'ignore' });
  });
});

describe('the saga’s void', () => {
  it('voids what is or may be held, and only announces a declined payment', () => {
    expect(decideOnVoid('PENDING')).toEqual({ kind: 'void' });
    expect(decideOnVoid('AUTHORIZED')).toEqual({ kind: 'void' });
    expect(decideOnVoid('DECLINED')).toEqual({ kind: 'nothing-held' });
    expect(decideOnVoid('VOIDED')).toEqual({ kind: 'already-void' });
  });
});
