import {
  brokerEnv,
  brokerSettings,
  databaseEnv,
  databaseSettings,
  serviceEnv,
  serviceSettings,
  tokenVerificationEnv,
  tokenVerificationSettings,
} from './service-settings.js';

/**
 * What every domain service (catalog, orders, payments, notifications) reads: where to listen,
 * its own database, the broker, and how to verify access tokens. A service spreads this into
 * its schema and adds its own variables.
 */
export function domainServiceEnv(service: string, defaultPort: number) {
  return {
    ...serviceEnv(defaultPort),
    ...databaseEnv(service),
    ...brokerEnv,
    ...tokenVerificationEnv,
  };
}

type DomainServiceEnv = Parameters<typeof serviceSettings>[0] &
  Parameters<typeof databaseSettings>[0] &
  Parameters<typeof brokerSettings>[0] &
  Parameters<typeof tokenVerificationSettings>[0];

export function domainServiceSettings(env: DomainServiceEnv) {
  return {
    service: serviceSettings(env),
    database: databaseSettings(env),
    broker: brokerSettings(env),
    tokens: tokenVerificationSettings(env),
  };
}
