export * from './app-error.js';
export * from './problem-details.js';
export * from './problem-details.filter.js';
export * from './public.decorator.js';
export * from './validation.pipe.js';
export * from './request-id.js';
export * from './trace-id.js';
