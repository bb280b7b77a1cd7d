import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { WebhookDeliveryRecord } from './webhook-delivery.entity.js';
import { WebhookSubscriptionRecord } from './webhook-subscription.entity.js';
import { retryDelayMs, type RetrySchedule } from './retry-schedule.js';
import { WebhookSender, type SendResult } from './webhook-sender.js';

export interface DeliveryWorkerSettings {
  /** Off in tests that drive `runOnce()` themselves. */
  readonly enabled: boolean;
  /** How often an idle worker looks for due deliveries; `wake()` makes it look at once. */
  readonly pollMs: number;
  /** Deliveries sent at once by one worker. */
  readonly batchSize: number;
  /** A delivery being sent is due again after this, should its worker die mid-send. */
  readonly inFlightLeaseMs: number;
  readonly retry: RetrySchedule;
}

export const DELIVERY_WORKER_SETTINGS = Symbol('DELIVERY_WORKER_SETTINGS');

/**
 * Sends due webhook deliveries, in every notifications replica. Deliveries are claimed with
 * `FOR UPDATE SKIP LOCKED` and pushed into the future for the time of the send, so replicas
 * never send the same one at once and a delivery whose sender died is sent again later. No
 * transaction is held during the HTTP call. At least once: receivers dedupe on the delivery id.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private wakeRequested = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sender: WebhookSender,
    @Inject(DELIVERY_WORKER_SETTINGS) private readonly settings: DeliveryWorkerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
  }

  /** New deliveries were just recorded: look now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Sends what is due now; how many deliveries it attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
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

  private async run(): Promise<void> {
    while (!this.stopping) {
      let sent = 0;
      try {
        sent = await this.runOnce();
      } catch (error) {
        this.logger.error({ err: error }, 'webhook delivery pass failed');
      }
      if (sent === 0 && !this.wakeRequested) await this.idle();
      this.wakeRequested = false;
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.settings.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private claim(): Promise<WebhookDeliveryRecord[]> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager
        .getRepository(WebhookDeliveryRecord)
        .createQueryBuilder('delivery')
        .where(`delivery.status = 'PENDING' AND delivery.next_attempt_at <= now()`)
        .orderBy('delivery.next_attempt_at', 'ASC')
        .limit(this.settings.batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length > 0) {
        await manager.update(
          WebhookDeliveryRecord,
          { id: In(due.map((delivery) => delivery.id)) },
          { nextAttemptAt: inMs(this.settings.inFlightLeaseMs) },
        );
      }
      return due;
    });
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
    await repository.update(delivery.id, {
      ...failure,
      nextAttemptAt: inMs(retryDelayMs(this.settings.retry, attempts)),
    });
  }
}

/** A time on the database's clock, the one every replica compares with. */
function inMs(ms: number): () => string {
  return () => `now() + interval '${Math.trunc(ms)} milliseconds'`;
}
