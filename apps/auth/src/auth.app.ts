import { defineService } from '#atlas/bootstrap';
import { CacheHealthCheck } from '#atlas/cache';
import { BrokerHealthCheck } from '#atlas/messaging';
import { DatabaseHealthCheck } from '#atlas/persistence';
import { parseAuthConfig } from './auth.config.js';
import { AuthModule } from './auth.module.js';

export const authApp = defineService({
  name: 'auth',
  parseConfig: parseAuthConfig,
  module: (config, context) => AuthModule.register(config, context),
  // Redis too: without it, sign-in fails closed (abuse limits, session revocation).
  readiness: [DatabaseHealthCheck, BrokerHealthCheck, CacheHealthCheck],
  // The gateway forwards the client's address; only a trusted proxy's word is taken for it.
  http: (config) => ({ trustProxy: config.trustedProxies }),
});
