import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import type { AuthorizePayment, MessageOf } from '#atlas/contracts';
import { InboxService } from '#atlas/messaging';
import { Payment } from '../payment.entity.js';
import { PaymentProvider } from '../provider/payment-provider.js';

/**
 * The saga's payment step: ask the provider to authorize, and let its webhook bring the
 * answer. The provider is another system, so it is never called inside a transaction:
 *
 * 1. the command is applied once (inbox): the payment is recorded as PENDING, one per order;
 * 2. the provider is asked, with the payment id as idempotency key (a repeat gets the same
 *    answer and places no second hold);
 * 3. its reference is remembered.
 *
 * The broker is told the command was handled only after all three, so a crash anywhere makes
 * it deliver the command again; step 1 is then skipped, and steps 2 and 3 run again for a
 * payment still without a reference. The payment exists before the provider is asked, so a
 * `VoidPayment` that overtakes this command always finds something to mark; an approval that
 * still comes for it is voided on arrival.
 */
@Injectable()
export class PaymentAuthorizationsService {
  private readonly logger = new Logger(PaymentAuthorizationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: InboxService,
    private readonly provider: PaymentProvider,
  ) {}

  async request(command: MessageOf<typeof AuthorizePayment>): Promise<void> {
    await this.inbox.processOnce('payments.authorize', command.eventId, async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Payment)
        .values({
          id: randomUUID(),
          orderId: command.orderId,
          amountCents: command.amountCents,
          currency: command.currency,
          status: 'PENDING',
          providerReference: null,
        })
        // A void that came first recorded the payment already: it stays void.
        .orIgnore()
        .execute();
    });

    const payments = this.dataSource.getRepository(Payment);
    const payment = await payments.findOneByOrFail({ orderId: command.orderId });
    if (payment.status !== 'PENDING' || payment.providerReference !== null) return;
    const { reference } = await this.provider.requestAuthorization({
      idempotencyKey: payment.id,
      amountCents: payment.amountCents,
      currency: payment.currency,
    });
    await payments.update(
      { id: payment.id, providerReference: IsNull() },
      { providerReference: reference },
    );
    this.logger.log({ orderId: command.orderId, reference }, 'authorization requested');
  }
}
