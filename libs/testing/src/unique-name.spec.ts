import { describe, expect, it } from '@jest/globals';
import { uniqueName } from './unique-name.js';

describe('uniqueName', () => {
  it('keeps the prefix readable and adds a random suffix', () => {
    expect(uniqueName('orders.order-placed.v1')).toMatch(/^orders\.order-placed\.v1-[0-9a-f]{10}$/);
  });

  it('never returns the same name twice', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('group')));

    expect(names.size).toBe(100);
  });

  it('refuses a prefix that would not be a valid Kafka topic name', () => {
    expect(() => uniqueName('orders/placed')).toThrow('use only letters, digits, "." and "-"');
  });
});
