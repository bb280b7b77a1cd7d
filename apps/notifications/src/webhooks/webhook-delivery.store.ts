import { type EntityManager, In } from 'typeorm';
import { msFromNow } from '#atlas/persistence';
import { WebhookDeliveryRecord } from './webhook-delivery.entity.js';

/** The deliveries' claim SQL, run through the caller's EntityManager. */
export class WebhookDeliveryStore {
  /**
   * Up to `limit` due deliveries, oldest due first, taken with `FOR UPDATE SKIP LOCKED` and
   * pushed `leaseMs` into the future for the time of the send: replicas never send the same one
   * at once, and one whose sender died is due again after the lease. Run it in a transaction.
   */
  async claimDue(
    manager: EntityManager,
    limit: number,
    leaseMs: number,
  ): Promise<WebhookDeliveryRecord[]> {
    const due = await manager
      .getRepository(WebhookDeliveryRecord)
      .createQueryBuilder('delivery')
      .where(`delivery.status = 'PENDING' AND delivery.next_attempt_at <= now()`)
      .orderBy('delivery.next_attempt_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (due.length > 0) {
      await manager.update(
        WebhookDeliveryRecord,
        { id: In(due.map((delivery) => delivery.id)) },
        { nextAttemptAt: msFromNow(leaseMs) },
      );
    }
    return due;
  }
}
