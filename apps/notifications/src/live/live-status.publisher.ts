import { Injectable, Logger } from '@nestjs/common';
import { LiveOrderStatus, type MessageOf, type OrderStatusChanged } from '#atlas/contracts';
import { PubSub } from '#atlas/cache';

/**
 * Hands each status change to every gateway replica (Redis pub/sub), which pushes it to the
 * order's owner if they are connected. Whichever notifications replica consumed the event
 * publishes it; every gateway hears it. Best effort: a failed publish is logged, and a client
 * gets the current status whenever it (re)subscribes.
 */
@Injectable()
export class LiveStatusPublisher {
  private readonly logger = new Logger(LiveStatusPublisher.name);

  constructor(private readonly pubSub: PubSub) {}

  async publish(event: MessageOf<typeof OrderStatusChanged>): Promise<void> {
    try {
      await this.pubSub.publish(LiveOrderStatus, {
        eventId: event.eventId,
        orderId: event.orderId,
        customerId: event.customerId,
        status: event.status,
        ...(event.reason ? { reason: event.reason } : {}),
        occurredAt: event.occurredAt,
      });
    } catch (error) {
      this.logger.warn({ err: error, orderId: event.orderId }, 'live status not published');
    }
  }
}
