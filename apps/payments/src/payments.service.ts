import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  newEvent,
  PaymentAuthorized,
  PaymentFailed,
  type AuthorizePayment,
  type MessageOf,
} from '#atlas/contracts';
import { InboxService, OutboxService } from '#atlas/messaging';
import { Payment } from './payment.entity.js';
import { PaymentProvider } from './provider/payment-provider.js';

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly provider: PaymentProvider,
  ) {}

  /**
   * The saga's payment step. The provider is called with the order id as idempotency key, so
   * if this transaction fails after the call and the command is redelivered, the provider
   * answers the same and nothing is charged twice.
   */
  async authorize(command: MessageOf<typeof AuthorizePayment>): Promise<void> {
    await this.inbox.processOnce('payments.authorize', command.eventId, async (manager) => {
      const result = await this.provider.authorize({
        idempotencyKey: command.orderId,
        amountCents: command.amountCents,
        currency: command.currency,
      });
      const payment = manager.create(Payment, {
        id: randomUUID(),
        orderId: command.orderId,
        amountCents: command.amountCents,
        currency: command.currency,
        status: result.outcome === 'authorized' ? 'AUTHORIZED' : 'DECLINED',
        providerReference: result.reference,
      });
      await manager.insert(Payment, payment);
      if (result.outcome === 'authorized') {
        await this.outbox.enqueue(
          manager,
          PaymentAuthorized,
          newEvent(PaymentAuthorized, {
            orderId: command.orderId,
            paymentId: payment.id,
            amountCents: command.amountCents,
            currency: command.currency,
          }),
        );
      } else {
        await this.outbox.enqueue(
          manager,
          PaymentFailed,
          newEvent(PaymentFailed, {
            orderId: command.orderId,
            paymentId: payment.id,
            reason: 'DECLINED',
          }),
        );
      }
      this.logger.log({ orderId: command.orderId, status: payment.status }, 'payment processed');
    });
  }
}
