import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { sleep } from '#atlas/resilience';
import { DataSource, type EntityManager } from 'typeorm';
import { type OrderViewRow, projectOrderView } from './order-view.projection.js';
import { type Checkpoint, OrderProjectionStore } from './order-projection.store.js';

export interface OrderProjectorOptions {
  /** Off in tests that drive `runOnce()` themselves. */
  readonly enabled: boolean;
  /** How often it looks for new events when nothing woke it (writes of other replicas). */
  readonly intervalMs: number;
  readonly batchSize: number;
}

export const ORDER_PROJECTOR_OPTIONS = Symbol('ORDER_PROJECTOR_OPTIONS');

const DEFAULTS: OrderProjectorOptions = { enabled: true, intervalMs: 100, batchSize: 500 };

export type ProjectionPass =
  | { readonly kind: 'projected'; readonly events: number; readonly orders: number }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'locked-elsewhere' };

/**
 * Keeps the `order_views` read model up to date with the event store, as a separate step
 * after the events commit rather than inside the transactions that append them: the write
 * side only appends, and the read model can be dropped and rebuilt from the events at any
 * time (`npm run orders:rebuild-read-model`).
 *
 * Each pass is one transaction: lock the checkpoint (one projector at a time, whatever the
 * number of replicas), read the next events after it, fold them into the views, move the
 * checkpoint, commit. A crash anywhere rolls the whole pass back; the next one does it again.
 * The writers wake it after their commits; the interval catches other replicas' writes.
 *
 * Reads stay correct for a client's own writes because the commands that answer a client
 * (place, cancel) wait for their order's view before answering (`waitFor`).
 */
@Injectable()
export class OrderProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OrderProjector');
  private readonly options: OrderProjectorOptions;
  private running: Promise<void> | undefined;
  private stopping = false;
  private nap: AbortController | undefined;
  private wakeRequested = false;
  private readonly passListeners = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OrderProjectionStore,
    @Optional() @Inject(ORDER_PROJECTOR_OPTIONS) options?: Partial<OrderProjectorOptions>,
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

  /** Projects now rather than after the interval: call it after a commit that appended. */
  wake(): void {
    this.wakeRequested = true;
    this.nap?.abort();
  }

  /** One pass, if this replica gets the checkpoint. */
  runOnce(): Promise<ProjectionPass> {
    return this.dataSource.transaction(async (manager): Promise<ProjectionPass> => {
      const checkpoint = await this.store.lockCheckpoint(manager, false);
      if (!checkpoint) return { kind: 'locked-elsewhere' };
      const batch = await projectNextBatch(this.store, manager, checkpoint, this.options.batchSize);
      if (!batch) return { kind: 'caught-up' };
      await this.store.saveCheckpoint(manager, batch.checkpoint);
      return { kind: 'projected', events: batch.events, orders: batch.orders };
    });
  }

  /**
   * Resolves once the order's view has reached `version` (true), or after `timeoutMs` (false:
   * the answer goes out anyway, and the read model catches up a moment later).
   */
  async waitFor(orderId: string, version: number, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Again on every round: a pass may not reach the order yet while an older transaction
      // is still open (see OrderProjectionStore.eventsAfter).
      this.wake();
      if ((await this.store.viewVersion(this.dataSource.manager, orderId)) >= version) return true;
      if (Date.now() >= deadline) {
        this.logger.warn({ orderId, version }, 'read model still behind; answering anyway');
        return false;
      }
      await this.nextPass(50);
    }
  }

  private nextPass(atMostMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.passListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, atMostMs);
      this.passListeners.add(done);
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.wakeRequested = false;
      let delay = this.options.intervalMs;
      try {
        const pass = await this.runOnce();
        failures = 0;
        if (pass.kind === 'projected') delay = 0;
      } catch (error) {
        failures++;
        delay = Math.min(10_000, this.options.intervalMs * 2 ** failures);
        this.logger.warn(`Projecting order events failed ${failures} time(s): ${String(error)}`);
      }
      // Listeners remove themselves when called: iterate over a copy.
      for (const listener of Array.from(this.passListeners)) listener();
      if (this.stopping) break;
      if (delay === 0 || (this.wakeRequested && failures === 0)) continue;
      this.nap = new AbortController();
      await sleep(delay, this.nap.signal);
      this.nap = undefined;
    }
  }
}

/**
 * Folds the events after `checkpoint` (one batch) into their orders' views. Shared by the
 * live projector and the rebuild; returns undefined when there is nothing after it.
 */
export async function projectNextBatch(
  store: OrderProjectionStore,
  manager: EntityManager,
  checkpoint: Checkpoint,
  limit: number,
): Promise<{ checkpoint: Checkpoint; events: number; orders: number } | undefined> {
  const next = await store.eventsAfter(manager, checkpoint, limit);
  if (!next.last) return undefined;
  const views = new Map<string, OrderViewRow>(
    (await store.views(manager, next.streamIds)).map((view) => [view.id, view]),
  );
  const changed = new Map<string, OrderViewRow>();
  const events = await store.newerEvents(manager, next.streamIds);
  for (const stored of events) {
    const view = projectOrderView(views.get(stored.streamId), stored);
    views.set(stored.streamId, view);
    changed.set(stored.streamId, view);
  }
  await store.saveViews(manager, [...changed.values()]);
  return { checkpoint: next.last, events: events.length, orders: changed.size };
}
