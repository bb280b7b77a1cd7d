import { Injectable } from '@nestjs/common';
import type { LiveOrderUpdate, OrderStatus } from '#atlas/contracts';
import { LiveUpdatesHub, type LiveStatusMessage } from './live-updates.hub.js';
import { OrderAccess, type OrderWatcher } from './order-access.js';

/** Where a status sits in an order's life: an order only ever moves forward. */
const PROGRESS: Record<OrderStatus, number> = {
  PENDING: 0,
  STOCK_RESERVED: 1,
  CONFIRMED: 2,
  CANCELLED: 2,
};

export interface OrderFollower {
  /** The current status first (`snapshot`), then each later one (`change`), each at most once. */
  send(update: LiveOrderUpdate, kind: 'snapshot' | 'change'): void;
  /** The order reached a final status, already sent: nothing more will come. */
  settled(): void;
}

export interface OrderWatch {
  stop(): void;
}

/**
 * Following one order for one caller, for SSE and WebSocket alike. It starts listening before
 * it reads the current status, so no change falls between the two; changes that arrive early,
 * late or twice (a snapshot newer than a buffered change, a redelivered event) are dropped by
 * comparing how far along the order is.
 */
@Injectable()
export class OrderWatches {
  constructor(
    private readonly hub: LiveUpdatesHub,
    private readonly access: OrderAccess,
  ) {}

  /** Rejects (404, 401) when the caller may not see the order; then the snapshot is sent. */
  async follow(
    orderId: string,
    watcher: OrderWatcher,
    follower: OrderFollower,
  ): Promise<OrderWatch> {
    let progress = -1;
    let snapshotSent = false;
    let stopped = false;
    const early: LiveOrderUpdate[] = [];
    const stop = () => {
      stopped = true;
      unlisten();
    };
    const deliver = (update: LiveOrderUpdate, kind: 'snapshot' | 'change') => {
      if (stopped || PROGRESS[update.status] <= progress) return;
      progress = PROGRESS[update.status];
      follower.send(update, kind);
      if (progress === PROGRESS.CONFIRMED) {
        stop();
        follower.settled();
      }
    };
    const unlisten = this.hub.listen(orderId, {
      onStatus: (message) => {
        if (snapshotSent) deliver(toUpdate(message), 'change');
        else early.push(toUpdate(message));
      },
      onResync: () => {
        this.access.currentStatus(orderId, watcher).then(
          (update) => deliver(update, 'change'),
          () => undefined,
        );
      },
    });
    let snapshot: LiveOrderUpdate;
    try {
      snapshot = await this.access.currentStatus(orderId, watcher);
    } catch (error) {
      unlisten();
      throw error;
    }
    snapshotSent = true;
    deliver(snapshot, 'snapshot');
    for (const update of early) deliver(update, 'change');
    return { stop };
  }
}

function toUpdate(message: LiveStatusMessage): LiveOrderUpdate {
  return {
    orderId: message.orderId,
    status: message.status,
    ...(message.reason ? { reason: message.reason } : {}),
    occurredAt: message.occurredAt,
  };
}
