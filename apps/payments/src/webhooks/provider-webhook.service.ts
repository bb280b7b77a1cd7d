import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  newEvent,
  PaymentAuthorized,
  PaymentFailed,
  ProviderCallback,
  type ProviderWebhookReceipt,
} from '#atlas/contracts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '#atlas/http';
import { InboxService, OutboxService } from '#atlas/messaging';
import { Payment } from '../payment.entity.js';
import { decideOnCallback } from '../payment-status.js';
import { PaymentProvider } from '../provider/payment-provider.js';
import { verifyProviderSignature } from './provider-signature.js';

export interface ProviderWebhookOptions {
  readonly secret: string;
  readonly toleranceSeconds: number;
}

export const PROVIDER_WEBHOOK_OPTIONS = Symbol('PROVIDER_WEBHOOK_OPTIONS');

/**
 * Receives the provider's callbacks. In order:
 *
 * 1. authenticity: the signature over the raw body and its timestamp, compared in constant
 *    time; a timestamp outside the tolerance is refused, so a captured callback cannot be
 *    replayed later (and within the tolerance, step 3 absorbs it);
 * 2. shape: the body against the contract;
 * 3. once: the callback id goes into the inbox in the transaction that applies it, so a
 *    callback delivered again (a provider retry, or a replay) is acknowledged with
 *    `duplicate: true` and changes nothing. A 2xx is what makes the provider stop sending.
 *
 * Anything refused gets a problem response, which the provider treats as "try again later".
 */
@Injectable()
export class ProviderWebhookService {
  private readonly logger = new Logger(ProviderWebhookService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly provider: PaymentProvider,
    @Inject(PROVIDER_WEBHOOK_OPTIONS) private readonly options: ProviderWebhookOptions,
  ) {}

  async receive(
    body: Buffer | undefined,
    signature: string | undefined,
  ): Promise<ProviderWebhookReceipt> {
    const callback = this.authenticate(body ?? Buffer.alloc(0), signature);
    const seen = z.uuid().safeParse(callback.idempotencyKey).success
      ? await this.dataSource.getRepository(Payment).findOneBy({ id: callback.idempotencyKey })
      : null;
    if (!seen) {
      throw notFound('PAYMENTS.UNKNOWN_PAYMENT', `No payment ${callback.idempotencyKey}.`);
    }
    // An approval of a payment voided meanwhile: release that hold before recording the
    // callback, since once it is recorded, a retry of it would be skipped.
    const released = decideOnCallback(seen.status, callback.type).kind === 'release-hold';
    if (released) await this.provider.void(callback.reference);

    let duplicate = true;
    await this.inbox.processOnce('payments.provider-callback', callback.id, async (manager) => {
      duplicate = false;
      const payment = await manager.findOneOrFail(Payment, {
        where: { id: seen.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (payment.amountCents !== callback.amountCents || payment.currency !== callback.currency) {
        throw unprocessable(
          'PAYMENTS.CALLBACK_MISMATCH',
          `The callback is for ${callback.amountCents} ${callback.currency}; payment ${payment.id} is for ` +
            `${payment.amountCents} ${payment.currency}.`,
        );
      }
      const decision = decideOnCallback(payment.status, callback.type);
      switch (decision.kind) {
        case 'settle':
          await manager.update(
            Payment,
            { id: payment.id },
            { status: decision.status, providerReference: callback.reference },
          );
          if (decision.status === 'AUTHORIZED') {
            await this.outbox.enqueue(
              manager,
              PaymentAuthorized,
              newEvent(PaymentAuthorized, {
                orderId: payment.orderId,
                paymentId: payment.id,
                amountCents: payment.amountCents,
                currency: payment.currency,
              }),
            );
          } else {
            await this.outbox.enqueue(
              manager,
              PaymentFailed,
              newEvent(PaymentFailed, {
                orderId: payment.orderId,
                paymentId: payment.id,
                reason: 'DECLINED',
              }),
            );
          }
          this.logger.log({ orderId: payment.orderId, status: decision.status }, 'payment settled');
          return;
        case 'release-hold':
          if (!released) {
            throw conflict(
              'PAYMENTS.CONCURRENT_CHANGE',
              `Payment ${payment.id} was voided meanwhile.`,
            );
          }
          this.logger.log(
            { orderId: payment.orderId },
            'late approval of a voided payment released',
          );
          return;
        case 'ignore':
          return;
        default: {
          const unknown: never = decision;
          throw new Error(`unknown callback decision ${JSON.stringify(unknown)}`);
        }
      }
    });
    return { received: true, duplicate };
  }

  private authenticate(body: Buffer, signature: string | undefined): ProviderCallback {
    const verdict = verifyProviderSignature(signature, body, this.options);
    if (!verdict.valid) {
      this.logger.warn({ reason: verdict.reason }, 'provider webhook refused');
      throw new AppError(
        verdict.reason === 'stale'
          ? 'PAYMENTS.WEBHOOK_TIMESTAMP_OUT_OF_RANGE'
          : 'PAYMENTS.WEBHOOK_SIGNATURE_INVALID',
        401,
        verdict.reason === 'stale'
          ? 'The Provider-Signature timestamp is too far from now.'
          : 'The Provider-Signature header is missing or does not match the body.',
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('PAYMENTS.WEBHOOK_BODY_INVALID', 'The callback body is not JSON.');
    }
    const parsed = ProviderCallback.safeParse(json);
    if (!parsed.success) {
      throw badRequest(
        'PAYMENTS.WEBHOOK_BODY_INVALID',
        `The callback does not match its contract: ${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }
}
