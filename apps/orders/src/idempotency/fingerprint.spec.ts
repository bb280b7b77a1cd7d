import { describe, expect, it } from '@jest/globals';
import { fingerprint } from './idempotency.service.js';

describe('fingerprint', () => {
  it('ignores the order of object keys but not of array items', () => {
    expect(fingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprint({ items: [1, 2] })).not.toBe(fingerprint({ items: [2, 1] }));
  });

  it('tells different values apart', () => {
    expect(fingerprint({ quantity: 1 })).not.toBe(fingerprint({ quantity: 2 }));
    expect(fingerprint({ quantity: 1 })).not.toBe(fingerprint({ quantity: '1' }));
  });
});
