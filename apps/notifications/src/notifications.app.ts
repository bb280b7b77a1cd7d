import { defineService } from '#atlas/bootstrap';
import { CacheHealthCheck } from '#atlas/cache';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parseNotificationsConfig } from './notifications.config.js';
import { NotificationsModule } from './notifications.module.js';

export const notificationsApp = defineService({
  name: 'notifications',
  parseConfig: parseNotificationsConfig,
  module: (config, context) => NotificationsModule.register(config, context),
  readiness: [DatabaseHealthCheck, BrokerHealthCheck, CacheHealthCheck],
  consumesMessages: true,
});
