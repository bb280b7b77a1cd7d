import { z } from 'zod';
import { defineEvent } from './event-contract.js';
import { Currency } from './order-line.js';

export const AuthorizePayment = defineEvent({
  name: 'AuthorizePayment',
  topic: 'payments.authorize-payment.v1',
  kind: 'command',
  shape: {
    orderId: z.uuid(),
    customerId: z.uuid(),
    amountCents: z.number().int().positive(),
    currency: Currency,
  },
  key: (command) => command.orderId,
});

export const PaymentAuthorized = defineEvent({
  name: 'PaymentAuthorized',
  topic: 'payments.payment-authorized.v1',
  shape: {
    orderId: z.uuid(),
    paymentId: z.uuid(),
    amountCents: z.number().int().positive(),
    currency: Currency,
  },
  key: (event) => event.orderId,
});

export const PaymentFailed = defineEvent({
  name: 'PaymentFailed',
  topic: 'payments.payment-failed.v1',
  shape: {
    orderId: z.uuid(),
    paymentId: z.uuid(),
    reason: z.enum(['DECLINED', 'PROVIDER_ERROR']),
  },
  key: (event) => event.orderId,
});
