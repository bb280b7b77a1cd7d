import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

/** `?page=&limit=` as sent in a query string (strings), with the cap applied. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).describe('the page, from 1'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .describe(`items per page, at most ${MAX_PAGE_SIZE}`),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
  });
}

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}
