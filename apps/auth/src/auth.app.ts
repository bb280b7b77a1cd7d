import { defineService } from '#atlas/bootstrap';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parseAuthConfig } from './auth.config.js';
import { AuthModule } from './auth.module.js';

export const authApp = defineService({
  name: 'auth',
  parseConfig: parseAuthConfig,
  module: (config, context) => AuthModule.register(config, context),
  readiness: [DatabaseHealthCheck, BrokerHealthCheck],
});
