export * from './polling-worker.js';
