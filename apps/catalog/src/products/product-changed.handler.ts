import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ProductChanged, type MessageOf } from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { ProductCache } from './product-cache.js';

/**
 * The event-driven half of cache invalidation: every committed product change comes back here
 * (on one replica of the group), which drops it from Redis and tells every replica to drop its
 * own copy. Dropping twice is harmless, so no inbox; a failure is retried, then dead-lettered.
 */
@Controller()
export class ProductChangedHandler {
  constructor(private readonly cache: ProductCache) {}

  @OnEvent(ProductChanged)
  onProductChanged(@Payload() event: MessageOf<typeof ProductChanged>): Promise<void> {
    return this.cache.forget([event.productId]);
  }
}
