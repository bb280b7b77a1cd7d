import { Injectable, Optional } from '@nestjs/common';
import { DatabaseNotifications } from '#atlas/persistence';
import { PollingWorker, type PollingSettings } from '#atlas/worker';
import { OrderSagaService } from './order-saga.service.js';
import { OrderSagaStore } from './order-saga.store.js';

/**
 * It wakes at the earliest deadline it knows of (set in this process, or found after a pass);
 * the interval is how soon it learns of deadlines that other replicas set earlier than those.
 */
const POLLING: PollingSettings = { enabled: true, intervalMs: 5_000, maxBackoffMs: 10_000 };
const BATCH_SIZE = 20;
/** Longer than cancelling one order can take, so a lease never runs out mid-cancellation. */
const LEASE_MS = 30_000;
/** A pass runs this long after a deadline, so that the deadline has passed when it looks. */
const JUST_AFTER_MS = 5;

/**
 * Ends the orders whose saga waited too long for a participant. Deadlines live in the
 * database (order_sagas), not in timers, so they survive restarts, and every replica runs
 * this scheduler: they share the due orders through leases, and should two of them (or a
 * scheduler and a late reply) still act on one order at once, its event store lets one win.
 */
@Injectable()
export class OrderTimeoutsScheduler extends PollingWorker<number> {
  protected readonly polling = POLLING;
  private stopListening: (() => void) | undefined;
  /** When the next pass is planned for (ms since the epoch); each pass plans the next one. */
  private plannedAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sagas: OrderSagaStore,
    private readonly saga: OrderSagaService,
    @Optional() database?: DatabaseNotifications,
  ) {
    super('OrderTimeouts', 'looking for passed deadlines', database);
  }

  protected override beforeStart(): void {
    this.stopListening = this.sagas.onDeadline((at) => this.planFor(at));
  }

  protected override afterStop(): void {
    this.stopListening?.();
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
    this.plannedAt = Number.POSITIVE_INFINITY;
    const next = await this.sagas.nextDeadline();
    if (next) this.planFor(next);
    return due.length;
  }

  /**
   * Plans a pass for just after `at`, unless one is planned sooner: that pass plans the next
   * from the table. Most deadlines are set later than the planned one (every step sets a fresh
   * one) and are superseded before they pass, so under load this is a pass per deadline that
   * actually comes near, not one per step.
   */
  private planFor(at: Date): void {
    const time = at.getTime();
    if (time >= this.plannedAt && this.plannedAt > Date.now()) return;
    this.plannedAt = time;
    this.wakeIn(time - Date.now() + JUST_AFTER_MS);
  }

  /** A full batch means more deadlines may have passed. */
  protected hasMore(claimed: number): boolean {
    return claimed === BATCH_SIZE;
  }
}
