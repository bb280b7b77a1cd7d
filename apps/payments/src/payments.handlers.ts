import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthorizePayment, VoidPayment, type MessageOf } from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { PaymentAuthorizationsService } from './authorizations/payment-authorizations.service.js';
import { PaymentVoidsService } from './voids/payment-voids.service.js';

/** The saga's commands to payments: authorize, and its compensation, void. */
@Controller()
export class PaymentsHandlers {
  constructor(
    private readonly authorizations: PaymentAuthorizationsService,
    private readonly voids: PaymentVoidsService,
  ) {}

  @OnEvent(AuthorizePayment)
  onAuthorizePayment(@Payload() command: MessageOf<typeof AuthorizePayment>): Promise<void> {
    return this.authorizations.request(command);
  }

  @OnEvent(VoidPayment)
  onVoidPayment(@Payload() command: MessageOf<typeof VoidPayment>): Promise<void> {
    return this.voids.void(command);
  }
}
