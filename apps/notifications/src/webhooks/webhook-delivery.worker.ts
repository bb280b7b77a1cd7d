import { Injectable, Optional } from '@nestjs/common';
import { DatabaseNotifications, msFromNow } from '#atlas/persistence';
import { PollingSettings, PollingWorker } from '#atlas/worker';
import { DataSource, In } from 'typeorm';
import { WebhookDeliveryRecord } from './webhook-delivery.entity.js';
import { WebhookDeliveryStore } from './webhook-delivery.store.js';
import { WebhookSubscriptionRecord } from './webhook-subscription.entity.js';
import { retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import { WebhookSender, type SendResult } from './webhook-sender.js';

/**
 * The worker's settings, injected by this class (`{ provide: DeliveryWorkerSettings, useValue }`).
 * Recording deliveries wakes the worker, and so does a retry falling due; `intervalMs` is how
 * often an idle one looks anyway (deliveries and retries of another replica).
 */
export abstract class DeliveryWorkerSettings extends PollingSettings {
  /** Deliveries sent at once by one worker. */
  abstract readonly batchSize: number;
  /** A delivery being sent is due again after this, should its worker die mid-send. */
  abstract readonly inFlightLeaseMs: number;
  abstract readonly retry: RetrySchedule;
}

/**
 * Sends due webhook deliveries, in every notifications replica. Deliveries are claimed with
 * `FOR UPDATE SKIP LOCKED` and pushed into the future for the time of the send, so replicas
 * never send the same one at once and a delivery whose sender died is sent again later. No
 * transaction is held during the HTTP call. At least once: receivers dedupe on the delivery id.
 */
@Injectable()
export class WebhookDeliveryWorker extends PollingWorker<number> {
  private readonly deliveries = new WebhookDeliveryStore();

  constructor(
    private readonly dataSource: DataSource,
    private readonly sender: WebhookSender,
    private readonly settings: DeliveryWorkerSettings,
    @Optional() database?: DatabaseNotifications,
  ) {
    super(WebhookDeliveryWorker.name, 'sending due webhook deliveries', database);
  }

  protected get polling(): DeliveryWorkerSettings {
    return this.settings;
  }

  /** Sends what is due now; how many deliveries it attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.dataSource.transaction((manager) =>
      this.deliveries.claimDue(manager, this.settings.batchSize, this.settings.inFlightLeaseMs),
    );
    if (claimed.length === 0) return 0;
    const subscriptions = await this.dataSource.getRepository(WebhookSubscriptionRecord).findBy({
      id: In([...new Set(claimed.map((delivery) => delivery.subscriptionId))]),
    });
    const byId = new Map(subscriptions.map((subscription) => [subscription.id, subscription]));
    await Promise.all(
      claimed.map(async (delivery) => {
        // Deleting a subscription deletes its deliveries; one claimed just before is dropped.
        const subscription = byId.get(delivery.subscriptionId);
        if (!subscription) return;
        const result = await this.sender.send({
          url: subscription.url,
          secret: subscription.secret,
          deliveryId: delivery.id,
          eventType: delivery.eventType,
          body: JSON.stringify(delivery.payload),
        });
        await this.record(delivery, result);
      }),
    );
    return claimed.length;
  }

  /** Anything sent means more may be due. */
  protected hasMore(sent: number): boolean {
    return sent > 0;
  }

  private async record(delivery: WebhookDeliveryRecord, result: SendResult): Promise<void> {
    const attempts = delivery.attempts + 1;
    const repository = this.dataSource.getRepository(WebhookDeliveryRecord);
    if (result.delivered) {
      await repository.update(delivery.id, {
        status: 'DELIVERED',
        attempts,
        lastStatusCode: result.statusCode,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: () => 'now()',
      });
      return;
    }
    const failure = { attempts, lastStatusCode: result.statusCode, lastError: result.error };
    if (attempts >= this.settings.retry.maxAttempts) {
      await repository.update(delivery.id, {
        ...failure,
        status: 'DEAD_LETTERED',
        nextAttemptAt: null,
      });
      this.logger.warn(
        { deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, attempts },
        `webhook dead-lettered after its last attempt: ${result.error}`,
      );
      return;
    }
    const delay = retryDelayMs(this.settings.retry, attempts);
    await repository.update(delivery.id, { ...failure, nextAttemptAt: msFromNow(delay) });
    this.wakeIn(delay);
  }
}
