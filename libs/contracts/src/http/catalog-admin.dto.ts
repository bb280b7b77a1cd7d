import { z } from 'zod';
import { Currency } from '../events/order-line.js';

/**
 * `PATCH /v1/products/:id`: any of the product's editable fields. The SKU is the product's
 * business identity (imports match on it), so it cannot be changed; stock set here replaces
 * the count on hand, as a stock take would.
 */
export const UpdateProductRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(5000),
    priceCents: z.number().int().min(0).max(100_000_000),
    currency: Currency,
    stock: z.number().int().min(0).max(10_000_000),
  })
  .partial()
  .refine((change) => Object.keys(change).length > 0, 'name at least one field to change');
export type UpdateProductRequest = z.infer<typeof UpdateProductRequest>;

/** `DELETE /v1/products/:id`: whether the row was removed or only withdrawn from sale. */
export const ProductDeleted = z.object({
  id: z.uuid(),
  /**
   * `removed`: no order ever reserved it, so the row is gone. `archived`: orders refer to it,
   * so it is hidden and cannot be ordered, but stays for their history.
   */
  outcome: z.enum(['removed', 'archived']),
});
export type ProductDeleted = z.infer<typeof ProductDeleted>;

export const IMPORT_JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export const ImportJobStatus = z.enum(IMPORT_JOB_STATUSES);
export type ImportJobStatus = z.infer<typeof ImportJobStatus>;

/** One CSV row that was not imported, and why, field by field. */
export const ImportRowError = z.object({
  /** The line number in the file, the header being line 1. */
  line: z.number().int(),
  sku: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

/** `GET /v1/jobs/:id`: a background job and how far it got. */
export const ImportJob = z.object({
  id: z.uuid(),
  type: z.literal('product-import'),
  status: ImportJobStatus,
  fileName: z.string().nullable(),
  progress: z.object({
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int(),
    percent: z.number().int().min(0).max(100),
  }),
  /** Rows that failed, oldest first; capped, `failed` counts them all. */
  errors: z.array(ImportRowError),
  /** Why the whole job failed (not a row: the file itself). */
  failure: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

/** `POST /v1/products/import` answers 202 with where to follow the job. */
export const ImportJobAccepted = z.object({
  id: z.uuid(),
  status: ImportJobStatus,
  totalRows: z.number().int(),
  location: z.string(),
});
export type ImportJobAccepted = z.infer<typeof ImportJobAccepted>;
