export * from './service-definition.js';
export * from './broker-connection.js';
export * from './http-edge.js';
export * from './start-service.js';
export * from './run-service.js';
export * from './data-dir-lock.js';
