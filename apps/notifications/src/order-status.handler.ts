import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderStatusChanged, type MessageOf } from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { NotificationsService } from './notifications.service.js';

@Controller()
export class OrderStatusHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @OnEvent(OrderStatusChanged)
  onOrderStatusChanged(@Payload() event: MessageOf<typeof OrderStatusChanged>): Promise<void> {
    return this.notifications.record(event);
  }
}
