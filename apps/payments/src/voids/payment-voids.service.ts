import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newEvent, PaymentVoided, type MessageOf, type VoidPayment } from '#atlas/contracts';
import { conflict } from '#atlas/http';
import { InboxService, OutboxService } from '#atlas/messaging';
import { Payment } from '../payment.entity.js';
import { decideOnVoid } from '../payment-status.js';
import { PaymentProvider } from '../provider/payment-provider.js';

/**
 * The saga's payment compensation. The hold is released at the provider first and only then
 * is the payment marked VOIDED (with `PaymentVoided` through the outbox, once, through the
 * inbox): marked first, a crash before the provider call would leave a hold that nothing
 * releases any more. The provider's void is idempotent, so a repeat after a crash is harmless.
 */
@Injectable()
export class PaymentVoidsService {
  private readonly logger = new Logger(PaymentVoidsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly provider: PaymentProvider,
  ) {}

  async void(command: MessageOf<typeof VoidPayment>): Promise<void> {
    const seen = await this.dataSource
      .getRepository(Payment)
      .findOneBy({ orderId: command.orderId });
    const released =
      seen?.providerReference && decideOnVoid(seen.status).kind === 'void'
        ? seen.providerReference
        : null;
    if (released) await this.provider.void(released);

    await this.inbox.processOnce('payments.void-payment', command.eventId, async (manager) => {
      const payment = await manager.findOne(Payment, {
        where: { orderId: command.orderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!payment) {
        // Overtook AuthorizePayment: the void is recorded first, so that command finds it.
        const tombstone = manager.create(Payment, {
          id: randomUUID(),
          orderId: command.orderId,
          amountCents: command.amountCents,
          currency: command.currency,
          status: 'VOIDED',
          providerReference: null,
        });
        await manager.insert(Payment, tombstone);
        await this.announce(manager, tombstone);
        return;
      }
      const decision = decideOnVoid(payment.status);
      switch (decision.kind) {
        case 'void':
          if (payment.providerReference !== null && payment.providerReference !== released) {
            // The provider was asked since we looked: release that hold first (the handler is
            // retried, and the next attempt sees the reference).
            throw conflict(
              'PAYMENTS.CONCURRENT_CHANGE',
              `Payment ${payment.id} was sent to the provider while being voided.`,
            );
          }
          await manager.update(Payment, { id: payment.id }, { status: 'VOIDED' });
          await this.announce(manager, payment);
          return;
        case 'nothing-held':
          await this.announce(manager, payment);
          return;
        case 'already-void':
          return;
        default: {
          const unknown: never = decision;
          throw new Error(`unknown void decision ${JSON.stringify(unknown)}`);
        }
      }
    });
  }

  private async announce(manager: EntityManager, payment: Pick<Payment, 'id' | 'orderId'>) {
    await this.outbox.enqueue(
      manager,
      PaymentVoided,
      newEvent(PaymentVoided, { orderId: payment.orderId, paymentId: payment.id }),
    );
    this.logger.log({ orderId: payment.orderId, paymentId: payment.id }, 'payment voided');
  }
}
