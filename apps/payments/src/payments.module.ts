import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { MessagingModule, messagingTables } from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { PaymentAuthorizationsService } from './authorizations/payment-authorizations.service.js';
import { CreatePaymentsTables1764100000000 } from './migrations/1764100000000-create-payments-tables.js';
import { AddPaymentVoidsAndSimulatedProvider1764200000000 } from './migrations/1764200000000-add-payment-voids-and-simulated-provider.js';
import { Payment } from './payment.entity.js';
import type { PaymentsConfig } from './payments.config.js';
import { PaymentsHandlers } from './payments.handlers.js';
import { PaymentProvider } from './provider/payment-provider.js';
import { SimulatedPaymentProvider } from './provider/simulated/simulated-payment.provider.js';
import { SimulatedProviderCallbacks } from './provider/simulated/simulated-provider.callbacks.js';
import { SimulatedProviderLedger } from './provider/simulated/simulated-provider.ledger.js';
import { SIMULATED_PROVIDER_OPTIONS } from './provider/simulated/simulated-provider.options.js';
import { PaymentVoidsService } from './voids/payment-voids.service.js';
import { ProviderWebhookController } from './webhooks/provider-webhook.controller.js';
import {
  PROVIDER_WEBHOOK_OPTIONS,
  ProviderWebhookService,
} from './webhooks/provider-webhook.service.js';

/**
 * Payments for the order saga: authorizations requested from a provider that answers later
 * through a signed webhook, and voided when the saga compensates.
 */
@Module({})
export class PaymentsModule {
  static register(config: PaymentsConfig, context: ServiceContext): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'payments',
          ...config.database,
          entities: [Payment],
          migrations: [
            CreatePaymentsTables1764100000000,
            AddPaymentVoidsAndSimulatedProvider1764200000000,
          ],
          libraryTables: [messagingTables],
        }),
        MessagingModule.forService({ service: 'payments', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [PaymentsHandlers, ProviderWebhookController],
      providers: [
        PaymentAuthorizationsService,
        PaymentVoidsService,
        ProviderWebhookService,
        { provide: PROVIDER_WEBHOOK_OPTIONS, useValue: config.webhook },
        // The simulated provider: swap this block for a real provider's adapter.
        { provide: SIMULATED_PROVIDER_OPTIONS, useValue: config.provider },
        SimulatedProviderLedger,
        SimulatedProviderCallbacks,
        { provide: PaymentProvider, useClass: SimulatedPaymentProvider },
      ],
    };
  }
}
