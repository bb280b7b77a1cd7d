import { z } from 'zod';
import { defineEvent } from './event-contract.js';
import { Currency } from './order-line.js';

/**
 * Saga compensation: the order will not be paid, so whatever payments holds for it is given
 * back. Payments decides how from the payment's state: it voids an authorization, marks a
 * payment whose authorization is still pending so that a late approval is voided at once,
 * and records a payment it has not even been asked for yet as void, so that a late
 * `AuthorizePayment` charges nothing. The amount lets it record that last case.
 */
export const VoidPayment = defineEvent({
  name: 'VoidPayment',
  topic: 'payments.void-payment.v1',
  kind: 'command',
  shape: {
    orderId: z.uuid(),
    amountCents: z.number().int().positive(),
    currency: Currency,
  },
  key: (command) => command.orderId,
});

/** The compensation is done: nothing is held for the order any more. */
export const PaymentVoided = defineEvent({
  name: 'PaymentVoided',
  topic: 'payments.payment-voided.v1',
  shape: {
    orderId: z.uuid(),
    paymentId: z.uuid(),
  },
  key: (event) => event.orderId,
});
