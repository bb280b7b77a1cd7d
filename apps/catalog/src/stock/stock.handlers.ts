import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderPlaced, ReleaseStock, type MessageOf } from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { StockService } from './stock.service.js';

/** The saga's catalog steps: reserve on a new order, give back on compensation. */
@Controller()
export class StockHandlers {
  constructor(private readonly stock: StockService) {}

  @OnEvent(OrderPlaced)
  onOrderPlaced(@Payload() event: MessageOf<typeof OrderPlaced>): Promise<void> {
    return this.stock.reserveFor(event);
  }

  @OnEvent(ReleaseStock)
  onReleaseStock(@Payload() command: MessageOf<typeof ReleaseStock>): Promise<void> {
    return this.stock.release(command);
  }
}
