export * from './clock.js';
export * from './resilience.errors.js';
export * from './circuit-breaker.js';
export * from './retry-budget.js';
export * from './retry.js';
export * from './timeout.js';
export * from './concurrency-limiter.js';
export * from './instance-pool.js';
