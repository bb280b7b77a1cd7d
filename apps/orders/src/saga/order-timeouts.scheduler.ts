import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { sleep } from '#atlas/resilience';
import { OrderSagaService } from './order-saga.service.js';
import { OrderSagaStore } from './order-saga.store.js';

export interface TimeoutSchedulerOptions {
  /** Off in tests that drive `runOnce()` themselves. */
  readonly enabled: boolean;
  /** How often it looks for passed deadlines: a timeout fires at most this late. */
  readonly intervalMs: number;
}

export const TIMEOUT_SCHEDULER_OPTIONS = Symbol('TIMEOUT_SCHEDULER_OPTIONS');

const DEFAULTS: TimeoutSchedulerOptions = { enabled: true, intervalMs: 500 };
const BATCH_SIZE = 20;
/** Longer than cancelling one order can take, so a lease never runs out mid-cancellation. */
const LEASE_MS = 30_000;

/**
 * Ends the orders whose saga waited too long for a participant. Deadlines live in the
 * database (order_sagas), not in timers, so they survive restarts, and every replica runs
 * this scheduler: they share the due orders through leases, and should two of them (or a
 * scheduler and a late reply) still act on one order at once, its event store lets one win.
 */
@Injectable()
export class OrderTimeoutsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OrderTimeouts');
  private readonly options: TimeoutSchedulerOptions;
  private running: Promise<void> | undefined;
  private stopping = false;
  private nap: AbortController | undefined;

  constructor(
    private readonly sagas: OrderSagaStore,
    private readonly saga: OrderSagaService,
    @Optional() @Inject(TIMEOUT_SCHEDULER_OPTIONS) options?: Partial<TimeoutSchedulerOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.nap?.abort();
    await this.running;
    this.running = undefined;
  }

  /** One round: time out every order whose deadline has passed. Returns how many it claimed. */
  async runOnce(): Promise<number> {
    const due = await this.sagas.claimDue(BATCH_SIZE, LEASE_MS);
    for (const saga of due) {
      try {
        const outcome = await this.saga.timeOut(saga);
        this.logger.log({ orderId: saga.orderId, step: saga.step, outcome }, 'deadline passed');
      } catch (error) {
        // Most likely a reply appended first; the next round looks at the order again.
        this.logger.warn({ orderId: saga.orderId, error: String(error) }, 'timeout not applied');
        await this.sagas.release(saga.orderId).catch(() => undefined);
      }
    }
    return due.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        this.logger.warn(`Looking for passed deadlines failed: ${String(error)}`);
      }
      if (this.stopping) break;
      if (claimed === BATCH_SIZE) continue;
      this.nap = new AbortController();
      await sleep(this.options.intervalMs, this.nap.signal);
      this.nap = undefined;
    }
  }
}
