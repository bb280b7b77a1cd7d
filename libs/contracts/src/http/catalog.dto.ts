import { z } from 'zod';
import { Currency } from '../events/order-line.js';
import { PageQuery, pageOf } from './pagination.js';

export const Product = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
  imageUrl: z.string().nullable(),
});
export type Product = z.infer<typeof Product>;

export const ProductList = pageOf(Product);
export type ProductList = z.infer<typeof ProductList>;

export const ProductQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional().describe('full-text search'),
});
export type ProductQuery = z.infer<typeof ProductQuery>;

/** At most this many ids per batch lookup: one indexed query, an answer of bounded size. */
export const MAX_PRODUCT_LOOKUP_IDS = 100;

/**
 * `?ids=a,b,c`: products already known by id (an order's items, say) in one call instead of
 * one call each. Repeated ids count once.
 */
export const ProductLookupQuery = z.object({
  ids: z
    .string()
    .transform((ids) => [...new Set(ids.split(',').map((id) => id.trim()))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_PRODUCT_LOOKUP_IDS)),
});
export type ProductLookupQuery = z.infer<typeof ProductLookupQuery>;

/** The products found, in no particular order; unknown and archived ids are simply absent. */
export const ProductLookup = z.object({ items: z.array(Product) });
export type ProductLookup = z.infer<typeof ProductLookup>;

export const CreateProductRequest = z.strictObject({
  sku: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash or underscore'),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).default(''),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: Currency,
  stock: z.number().int().min(0).max(10_000_000),
});
export type CreateProductRequest = z.infer<typeof CreateProductRequest>;
