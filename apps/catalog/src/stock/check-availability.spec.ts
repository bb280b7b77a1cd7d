import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Product } from '../products/product.entity.js';
import { checkAvailability } from './stock.service.js';

function product(stock: number, priceCents = 1_000, currency = 'EUR'): Product {
  return Object.assign(new Product(), { id: randomUUID(), stock, priceCents, currency });
}

describe('checkAvailability', () => {
  it('prices every line when all products are in stock', () => {
    const [a, b] = [product(5, 700), product(1, 300)];
    expect(
      checkAvailability(
        [
          { productId: a.id, quantity: 5 },
          { productId: b.id, quantity: 1 },
        ],
        [a, b],
      ),
    ).toEqual({
      available: true,
      currency: 'EUR',
      priced: [
        { productId: a.id, quantity: 5, priceCents: 700 },
        { productId: b.id, quantity: 1, priceCents: 300 },
      ],
    });
  });

  it('rejects lines that want more than is left', () => {
    const a = product(2);
    expect(checkAvailability([{ productId: a.id, quantity: 3 }], [a])).toEqual({
      available: false,
      reason: 'OUT_OF_STOCK',
      productIds: [a.id],
    });
  });

  it('rejects unknown products before anything else', () => {
    const missing = randomUUID();
    const a = product(0);
    expect(
      checkAvailability(
        [
          { productId: a.id, quantity: 1 },
          { productId: missing, quantity: 1 },
        ],
        [a],
      ),
    ).toMatchObject({ available: false, reason: 'UNKNOWN_PRODUCT', productIds: [missing] });
  });

  it('rejects an order that mixes currencies', () => {
    const [eur, usd] = [product(5), product(5, 1_000, 'USD')];
    expect(
      checkAvailability(
        [
          { productId: eur.id, quantity: 1 },
          { productId: usd.id, quantity: 1 },
        ],
        [eur, usd],
      ),
    ).toMatchObject({ available: false, reason: 'MIXED_CURRENCY' });
  });
});
