import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startService, type RunningService } from '#atlas/bootstrap';
import { gatewayApp } from '../../apps/gateway/src/gateway.app.js';
import { DOCUMENTS_GATEWAY_ENV } from './documents-gateway.js';
import {
  documentedOperations,
  fetchOpenApi,
  OUTSIDE_THE_API,
  type OpenApiDocument,
} from '../support/openapi-conformance.js';

/**
 * Every route the gateway serves is in its OpenAPI document, and everything the document
 * promises is served: the routes are collected from Fastify as Nest registers them.
 */
describe('the gateway’s OpenAPI document', () => {
  const served = new Set<string>();
  let gateway: RunningService;
  let document: OpenApiDocument;

  beforeAll(async () => {
    gateway = await startService(
      {
        ...gatewayApp,
        configure: async (app, config) => {
          app
            .getHttpAdapter()
            .getInstance()
            .addHook('onRoute', (route) => {
              const methods = typeof route.method === 'string' ? [route.method] : route.method;
              // Fastify adds HEAD for each GET, and CORS answers OPTIONS everywhere.
              for (const method of methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS')) {
                served.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
              }
            });
          await gatewayApp.configure?.(app, config);
        },
      },
      { env: DOCUMENTS_GATEWAY_ENV },
    );
    document = await fetchOpenApi(gateway.url);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('documents every public route the gateway serves', () => {
    const publicRoutes = [...served].filter(
      (route) => !OUTSIDE_THE_API.some((pattern) => pattern.test(route.split(' ')[1] ?? '')),
    );
    expect(publicRoutes.length).toBeGreaterThan(20);
    const documented = documentedOperations(document);
    expect(publicRoutes.filter((route) => !documented.has(route)).sort()).toEqual([]);
  });

  it('documents nothing the gateway does not serve', () => {
    expect([...documentedOperations(document)].filter((route) => !served.has(route))).toEqual([]);
  });
});
