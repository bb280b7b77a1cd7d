import { defineService } from '#atlas/bootstrap';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parsePaymentsConfig } from './payments.config.js';
import { PaymentsModule } from './payments.module.js';

export const paymentsApp = defineService({
  name: 'payments',
  parseConfig: parsePaymentsConfig,
  module: (config, context) => PaymentsModule.register(config, context),
  readiness: [DatabaseHealthCheck, BrokerHealthCheck],
  consumesMessages: true,
  // The provider's webhook is verified against the bytes it signed.
  rawBody: true,
});
