import multipart from '@fastify/multipart';
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
  // Image uploads and CSV imports: each route reads one file, with its own size limit.
  configure: async (app) => {
    await app.register(multipart, {
      limits: { files: 1, fields: 10, fieldSize: 1024, parts: 11, headerPairs: 100 },
    });
  },
});
