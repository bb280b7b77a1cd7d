export * from './atlas-client.js';
