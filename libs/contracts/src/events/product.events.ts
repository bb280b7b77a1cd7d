import { z } from 'zod';
import { defineEvent } from './event-contract.js';

/** What happened to a product; consumers that only cache products treat every kind alike. */
export const ProductChangeKind = z.enum([
  'CREATED',
  'UPDATED',
  'DELETED',
  'STOCK_CHANGED',
  'IMAGE_CHANGED',
]);
export type ProductChangeKind = z.infer<typeof ProductChangeKind>;

/**
 * A product's row changed and committed. Published through catalog's outbox in the transaction
 * of the change, so it exists exactly when the change does; catalog itself consumes it to drop
 * the product from every replica's cache, and other services may use it to keep copies fresh.
 */
export const ProductChanged = defineEvent({
  name: 'ProductChanged',
  topic: 'catalog.product-changed.v1',
  shape: {
    productId: z.uuid(),
    change: ProductChangeKind,
  },
  key: (event) => event.productId,
});
