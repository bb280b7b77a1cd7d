import { defineService } from '#atlas/bootstrap';
import { CacheHealthCheck } from '#atlas/cache';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parseCatalogConfig } from './catalog.config.js';
import { CatalogModule } from './catalog.module.js';

export const catalogApp = defineService({
  name: 'catalog',
  parseConfig: parseCatalogConfig,
  module: (config, context) => CatalogModule.register(config, context),
  readiness: [DatabaseHealthCheck, BrokerHealthCheck, CacheHealthCheck],
  consumesMessages: true,
});
