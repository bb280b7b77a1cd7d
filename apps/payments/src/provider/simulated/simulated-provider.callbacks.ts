import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  PROVIDER_SIGNATURE_HEADER,
  type ProviderCallback,
  type ProviderCallbackType,
} from '#atlas/contracts';
import { DatabaseNotifications } from '#atlas/persistence';
import { backoffDelay } from '#atlas/resilience';
import { PollingWorker, type PollingSettings } from '#atlas/worker';
import { signProviderPayload } from '../../webhooks/provider-signature.js';
import { type DueCallback, SimulatedProviderLedger } from './simulated-provider.ledger.js';
import {
  SIMULATED_PROVIDER_OPTIONS,
  type SimulatedProviderOptions,
} from './simulated-provider.options.js';

/**
 * Each request and each retry wakes it when its callback falls due (`wakeIn`); the interval
 * catches another replica's requests and retries.
 */
const POLLING: PollingSettings = { enabled: true, intervalMs: 5_000, maxBackoffMs: 30_000 };
const BATCH_SIZE = 50;
/** Longer than a delivery can take (its own timeout), so a lease never expires mid-delivery. */
const LEASE_MS = 30_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const RETRY_BACKOFF = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The simulated provider's outgoing side: it sends each owed callback to the webhook URL,
 * signed and timestamped at the moment of sending, and keeps retrying with backoff until it
 * gets a 2xx, as real providers do for days. Only a 2xx counts: an answer lost on the way
 * means the callback is sent again, and payments must (and does) process it once.
 */
@Injectable()
export class SimulatedProviderCallbacks extends PollingWorker<number> {
  protected readonly polling = POLLING;

  constructor(
    private readonly ledger: SimulatedProviderLedger,
    @Inject(SIMULATED_PROVIDER_OPTIONS) private readonly options: SimulatedProviderOptions,
    @Optional() database?: DatabaseNotifications,
  ) {
    super('SimulatedPaymentProvider', 'looking for due callbacks', database);
  }

  /** One round: deliver every callback due now. Returns how many were claimed. */
  async runOnce(): Promise<number> {
    const due = await this.ledger.claimDue(BATCH_SIZE, LEASE_MS);
    await Promise.all(due.map((callback) => this.deliver(callback)));
    return due.length;
  }

  /** A full batch means more may be due. */
  protected hasMore(claimed: number): boolean {
    return claimed === BATCH_SIZE;
  }

  private async deliver(callback: DueCallback): Promise<void> {
    const body = Buffer.from(JSON.stringify(toPayload(callback)));
    const signature = signProviderPayload(
      this.options.webhookSecret,
      Math.floor(Date.now() / 1000),
      body,
    );
    let failure: string;
    try {
      const response = await fetch(this.options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [PROVIDER_SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.ok) {
        await this.ledger.markDelivered(callback.reference);
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const delay = backoffDelay(callback.callback_attempts, RETRY_BACKOFF);
    this.logger.warn(
      `Callback ${callback.callback_id} for ${callback.reference} failed (attempt ${callback.callback_attempts}): ` +
        `${failure}; retrying in ${delay} ms`,
    );
    await this.ledger.scheduleRetry(callback.reference, delay, failure);
    this.wakeIn(delay);
  }
}

function toPayload(callback: DueCallback): ProviderCallback {
  const type: ProviderCallbackType =
    callback.outcome === 'authorized' ? 'authorization.succeeded' : 'authorization.declined';
  return {
    id: callback.callback_id,
    type,
    reference: callback.reference,
    idempotencyKey: callback.idempotency_key,
    amountCents: callback.amount_cents,
    currency: callback.currency,
    createdAt: callback.created_at.toISOString(),
  };
}
