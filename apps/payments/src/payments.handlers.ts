import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizePayment, type MessageOf } from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { PaymentsService } from './payments.service.js';

@Controller()
export class PaymentsHandlers {
  constructor(private readonly payments: PaymentsService) {}

  @OnEvent(AuthorizePayment)
  onAuthorizePayment(@Payload() command: MessageOf<typeof AuthorizePayment>): Promise<void> {
    return this.payments.authorize(command);
  }
}
