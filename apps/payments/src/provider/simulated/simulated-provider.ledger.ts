import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';

export type SimulatedOutcome = 'authorized' | 'declined';

/** A callback the simulated provider owes payments, claimed for delivery. */
export const DueCallback = z.object({
  reference: z.string(),
  idempotency_key: z.string(),
  amount_cents: z.number().int(),
  currency: z.string(),
  outcome: z.enum(['authorized', 'declined']),
  callback_id: z.string(),
  callback_attempts: z.number().int(),
  created_at: z.date(),
});
export type DueCallback = z.infer<typeof DueCallback>;

/** TypeORM answers an UPDATE with `[returned rows, affected count]`. */
const UpdateResult = z.tuple([z.array(z.unknown()), z.number()]);

/**
 * The simulated provider's own books, standing in for the database a real provider keeps on
 * its side: one row per authorization, with the callback it still owes. It lives in payments'
 * database (its own table, its own short transactions, never payments' transactions), so a
 * restart of the process loses no owed callback, and several replicas share the work.
 */
@Injectable()
export class SimulatedProviderLedger {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent per key: a second request with the same key changes nothing. */
  async recordAuthorization(request: {
    idempotencyKey: string;
    amountCents: number;
    currency: string;
    outcome: SimulatedOutcome;
    callbackDueInMs: number;
  }): Promise<string> {
    const reference = referenceFor(request.idempotencyKey);
    await this.dataSource.query(
      `INSERT INTO simulated_provider_authorizations
         (reference, idempotency_key, amount_cents, currency, outcome, callback_id, callback_due_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        reference,
        request.idempotencyKey,
        request.amountCents,
        request.currency,
        request.outcome,
        randomUUID(),
        request.callbackDueInMs / 1000,
      ],
    );
    return reference;
  }

  /** Releases the hold; an authorization not yet answered never will be. Idempotent. */
  async void(reference: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE simulated_provider_authorizations SET voided_at = coalesce(voided_at, now())
        WHERE reference = $1`,
      [reference],
    );
    return UpdateResult.parse(result)[1] > 0;
  }

  /**
   * Leases up to `limit` due callbacks to this replica for `leaseMs`. `SKIP LOCKED` and the
   * lease keep two replicas from sending the same callback at once; a replica that dies with a
   * lease only delays its callbacks until the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueCallback[]> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE simulated_provider_authorizations
          SET callback_claimed_until = now() + make_interval(secs => $2),
              callback_attempts = callback_attempts + 1
        WHERE reference IN (
              SELECT reference FROM simulated_provider_authorizations
               WHERE callback_delivered_at IS NULL AND voided_at IS NULL
                 AND callback_due_at <= now()
                 AND (callback_claimed_until IS NULL OR callback_claimed_until < now())
               ORDER BY callback_due_at
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
        RETURNING reference, idempotency_key, amount_cents, currency, outcome, callback_id,
                  callback_attempts, created_at`,
      [limit, leaseMs / 1000],
    );
    return z.array(DueCallback).parse(UpdateResult.parse(rows)[0]);
  }

  async markDelivered(reference: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE simulated_provider_authorizations
          SET callback_delivered_at = now(), callback_claimed_until = NULL, callback_last_error = NULL
        WHERE reference = $1`,
      [reference],
    );
  }

  async scheduleRetry(reference: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE simulated_provider_authorizations
          SET callback_due_at = now() + make_interval(secs => $2),
              callback_claimed_until = NULL, callback_last_error = $3
        WHERE reference = $1`,
      [reference, delayMs / 1000, error.slice(0, 2_000)],
    );
  }
}

/** The same key always gets the same reference, as a real provider's idempotency would. */
export function referenceFor(idempotencyKey: string): string {
  return `sim_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}
