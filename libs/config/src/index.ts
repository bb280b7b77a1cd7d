export * from './config.error.js';
export * from './parse-config.js';
export * from './env-schemas.js';
export * from './service-settings.js';
export * from './domain-service.js';
export * from './local-encryption-keys.js';
