import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  PROVIDER_SIGNATURE_HEADER,
  type ProviderCallback,
  type ProviderCallbackType,
} from '#atlas/contracts';
import { backoffDelay, sleep } from '#atlas/resilience';
import { signProviderPayload } from '../../webhooks/provider-signature.js';
import { type DueCallback, SimulatedProviderLedger } from './simulated-provider.ledger.js';
import {
  SIMULATED_PROVIDER_OPTIONS,
  type SimulatedProviderOptions,
} from './simulated-provider.options.js';

/** Looks for due callbacks this often even when nothing woke it (another replica's requests). */
const POLL_INTERVAL_MS = 500;
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
export class SimulatedProviderCallbacks
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('SimulatedPaymentProvider');
  private running: Promise<void> | undefined;
  private stopping = false;
  private nap: AbortController | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly ledger: SimulatedProviderLedger,
    @Inject(SIMULATED_PROVIDER_OPTIONS) private readonly options: SimulatedProviderOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.stopping = false;
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.wakeTimer);
    this.nap?.abort();
    await this.running;
    this.running = undefined;
  }

  /** Looks again in `ms`, when a callback just requested falls due, instead of at the next poll. */
  wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.nap?.abort();
    }, ms);
    this.wakeTimer.unref();
  }

  /** One round: deliver every callback due now. Returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const due = await this.ledger.claimDue(BATCH_SIZE, LEASE_MS);
    await Promise.all(due.map((callback) => this.deliver(callback)));
    return due.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.deliverDue();
      } catch (error) {
        this.logger.warn(`Could not look for due callbacks: ${String(error)}`);
      }
      if (this.stopping) break;
      // A full batch means more may be due: go on at once.
      if (claimed === BATCH_SIZE) continue;
      this.nap = new AbortController();
      await sleep(POLL_INTERVAL_MS, this.nap.signal);
      this.nap = undefined;
    }
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
