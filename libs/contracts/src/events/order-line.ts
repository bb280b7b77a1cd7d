import { z } from 'zod';

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

export const RequestedLine = z.object({
  productId: z.uuid(),
  quantity: z.number().int().min(1).max(1000),
});

export const PricedLine = RequestedLine.extend({
  priceCents: z.number().int().nonnegative(),
});
