import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { markDuplicateDelivery } from '../metrics/delivery-outcome.js';

/**
 * Applies an event's effect at most once per consumer, however often the broker delivers it.
 *
 * ```ts
 * await this.inbox.processOnce('catalog.reserve-stock', event.eventId, (manager) =>
 *   this.stock.reserveFor(manager, event),
 * );
 * ```
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger('Inbox');

  constructor(private readonly dataSource: DataSource) {}

  /**
   * In one transaction: records (consumer, eventId) in the inbox and runs `work` only if that
   * row is new. `work` must do its writes through the `manager` it is given, so they commit or
   * roll back with the inbox row (on a single-connection pool it must not ask for another).
   * If `work` throws, nothing is recorded and a redelivery tries again.
   */
  processOnce(
    consumer: string,
    eventId: string,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      // A concurrent delivery of the same event waits on this row's lock until the first one
      // commits, then finds it: only one of them runs `work`.
      const inserted: unknown[] = await manager.query(
        `INSERT INTO inbox (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT (consumer, event_id) DO NOTHING
         RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) {
        markDuplicateDelivery();
        this.logger.debug?.(`${consumer}: eventId=${eventId} was already processed; skipping it`);
        return;
      }
      await work(manager);
    });
  }
}
