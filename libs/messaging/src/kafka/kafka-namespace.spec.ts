import { describe, expect, it } from '@jest/globals';
import { KafkaNamespace } from './kafka-namespace.js';

describe('KafkaNamespace', () => {
  it('prefixes topics and groups, and strips the prefix from what it reads', () => {
    const namespace = new KafkaNamespace('ci-42');
    expect(namespace.topic('orders.order-placed.v1')).toBe('ci-42.orders.order-placed.v1');
    expect(namespace.group('atlas-orders')).toBe('ci-42.atlas-orders');
    expect(namespace.logical('ci-42.orders.order-placed.v1')).toBe('orders.order-placed.v1');
  });

  it('leaves names alone without a namespace', () => {
    const none = new KafkaNamespace(undefined);
    expect(none.topic('orders.order-placed.v1')).toBe('orders.order-placed.v1');
    expect(none.logical('orders.order-placed.v1')).toBe('orders.order-placed.v1');
  });

  it('refuses a topic from another namespace and a namespace that is not a plain name', () => {
    expect(() => new KafkaNamespace('ci-42').logical('ci-43.orders.order-placed.v1')).toThrow(
      /outside the namespace/,
    );
    expect(() => new KafkaNamespace('has space')).toThrow(/must be up to 49 letters/);
  });
});
