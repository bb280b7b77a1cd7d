import { Injectable, Optional } from '@nestjs/common';
import { DatabaseNotifications } from '#atlas/persistence';
import { PollingWorker, type PollingSettings } from '#atlas/worker';
import { DataSource, type EntityManager } from 'typeorm';
import { type OrderViewRow, projectOrderView } from './order-view.projection.js';
import { type Checkpoint, OrderProjectionStore } from './order-projection.store.js';

/**
 * Commits that append wake it (here, and on the replica holding the checkpoint through
 * `atlas_order_events`), so the interval only catches what no announcement reached.
 */
const POLLING: PollingSettings = { enabled: true, intervalMs: 5_000, maxBackoffMs: 10_000 };
const BATCH_SIZE = 500;
/** The channel replicas announce appended order events on. */
const CHANNEL = 'atlas_order_events';

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
 * The writers call `appended()` after their commits, which wakes this replica's projector and
 * announces the commit to the others (`LISTEN/NOTIFY`), one of which may hold the checkpoint.
 *
 * Reads stay correct for a client's own writes because the commands that answer a client
 * (place, cancel) wait for their order's view before answering (`waitFor`).
 */
@Injectable()
export class OrderProjector extends PollingWorker<ProjectionPass> {
  protected readonly polling = POLLING;
  private readonly passListeners = new Set<() => void>();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OrderProjectionStore,
    @Optional() private readonly notifications?: DatabaseNotifications,
  ) {
    super('OrderProjector', 'projecting order events', notifications);
  }

  protected override beforeStart(): void {
    this.unlisten = this.notifications?.listen(CHANNEL, () => this.wake());
  }

  protected override afterStop(): void {
    this.unlisten?.();
  }

  /** Events were appended and committed: project them now, on whichever replica can. */
  appended(): void {
    this.wake();
    this.notifications?.announce(CHANNEL);
  }

  /** One pass, if this replica gets the checkpoint. */
  runOnce(): Promise<ProjectionPass> {
    return this.dataSource.transaction(async (manager): Promise<ProjectionPass> => {
      const checkpoint = await this.store.lockCheckpoint(manager, false);
      if (!checkpoint) return { kind: 'locked-elsewhere' };
      const batch = await projectNextBatch(this.store, manager, checkpoint, BATCH_SIZE);
      if (!batch) return { kind: 'caught-up' };
      await this.store.saveCheckpoint(manager, batch.checkpoint);
      return { kind: 'projected', events: batch.events, orders: batch.orders };
    });
  }

  /**
   * Only a full batch goes on at once: a commit during the pass calls `appended()`, whose
   * wake-up runs the next pass anyway, so a pass after every pass that projected would only
   * find nothing (it was a third of the service's statements).
   */
  protected hasMore(pass: ProjectionPass): boolean {
    return pass.kind === 'projected' && pass.events === BATCH_SIZE;
  }

  protected override afterPass(): void {
    // Listeners remove themselves when called: iterate over a copy.
    for (const listener of Array.from(this.passListeners)) listener();
  }

  /**
   * Resolves once the order's view has reached `version` (true), or after `timeoutMs` (false:
   * the answer goes out anyway, and the read model catches up a moment later).
   */
  async waitFor(orderId: string, version: number, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.appended();
    for (;;) {
      // Listening before looking: a pass that ends while we look is not missed.
      const next = this.nextPass(50);
      if ((await this.store.viewVersion(this.dataSource.manager, orderId)) >= version) {
        next.cancel();
        return true;
      }
      if (Date.now() >= deadline) {
        next.cancel();
        this.logger.warn({ orderId, version }, 'read model still behind; answering anyway');
        return false;
      }
      // A pass that ended without the order will be followed by another when the next commit
      // wakes it. No pass within 50 ms means nothing did: the event may have been held back by
      // an older transaction still open (see OrderProjectionStore.eventsAfter), so look again.
      if ((await next.ended) === 'no-pass') this.wake();
    }
  }

  private nextPass(atMostMs: number): { ended: Promise<'pass' | 'no-pass'>; cancel(): void } {
    let finish: (how: 'pass' | 'no-pass') => void = () => undefined;
    const ended = new Promise<'pass' | 'no-pass'>((resolve) => {
      finish = (how) => {
        clearTimeout(timer);
        this.passListeners.delete(onPass);
        resolve(how);
      };
    });
    const onPass = () => finish('pass');
    const timer = setTimeout(() => finish('no-pass'), atMostMs);
    this.passListeners.add(onPass);
    return { ended, cancel: () => finish('no-pass') };
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
