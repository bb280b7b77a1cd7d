import type { InfraService } from './infra-target.js';

/** Where a developer or CI names a server explicitly. */
export const ADDRESS_VARIABLES: Readonly<Record<InfraService, string>> = {
  postgres: 'ATLAS_TEST_DATABASE_URL',
  redis: 'ATLAS_TEST_REDIS_URL',
  kafka: 'ATLAS_TEST_KAFKA_BROKERS',
};

/**
 * The servers' usual local addresses. 127.0.0.1, not localhost: Node may resolve localhost
 * to ::1, where these servers often do not listen.
 */
export const USUAL_LOCAL_ADDRESSES: Readonly<Record<InfraService, string>> = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: 'redis://127.0.0.1:6379',
  kafka: '127.0.0.1:9092',
};
