import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import {
  InboxMessage,
  MessagingModule,
  OutboxMessage,
  messagingMigrations,
} from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { CreatePaymentsTables1764100000000 } from './migrations/1764100000000-create-payments-tables.js';
import { Payment } from './payment.entity.js';
import type { PaymentsConfig } from './payments.config.js';
import { PaymentsHandlers } from './payments.handlers.js';
import { PaymentsService } from './payments.service.js';
import { PaymentProvider } from './provider/payment-provider.js';
import { SimulatedPaymentProvider } from './provider/simulated-payment.provider.js';

/** Authorizes payments for the order saga through a payment provider. */
@Module({})
export class PaymentsModule {
  static register(config: PaymentsConfig, context: ServiceContext): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'payments',
          ...config.database,
          entities: [Payment, OutboxMessage, InboxMessage],
          migrations: [...messagingMigrations, CreatePaymentsTables1764100000000],
        }),
        MessagingModule.forService({ service: 'payments', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [PaymentsHandlers],
      providers: [
        PaymentsService,
        {
          provide: PaymentProvider,
          useFactory: () => new SimulatedPaymentProvider(config.provider.declineAboveCents),
        },
      ],
    };
  }
}
