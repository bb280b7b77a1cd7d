import { defineService } from '#atlas/bootstrap';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parseOrdersConfig } from './orders.config.js';
import { OrdersModule } from './orders.module.js';

export const ordersApp = defineService({
  name: 'orders',
  parseConfig: parseOrdersConfig,
  module: (config, context) => OrdersModule.register(config, context),
  readiness: [DatabaseHealthCheck, BrokerHealthCheck],
  consumesMessages: true,
});
