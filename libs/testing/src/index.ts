// How tests reach real infrastructure: see README.md in this library.
export type { InfraSource } from './discovery/infra-target.js';
export type { EmbeddedTarget, KafkaTarget, PostgresTarget, RedisTarget } from './test-infra.js';
export { testKafka, testPostgres, testRedis } from './test-infra.js';
export type { TestDatabase } from './test-database.js';
export { createTestDatabase } from './test-database.js';
export { uniqueName } from './unique-name.js';
export { freePort } from './network/free-port.js';
export { TcpProxy } from './network/tcp-proxy.js';
export { eventually, gate, type Gate } from './eventually.js';
