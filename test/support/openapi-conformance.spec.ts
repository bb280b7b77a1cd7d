import { describe, expect, it } from '@jest/globals';
import {
  conformanceProblems,
  documentedPath,
  type OpenApiDocument,
} from './openapi-conformance.js';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/v1/products/{id}': {
      get: {
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id'],
                  properties: { id: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    '/v1/products/import': { post: { responses: { '202': {} } } },
  },
};

describe('OpenAPI conformance', () => {
  it('prefers a literal segment to a parameter', () => {
    expect(documentedPath(document, '/v1/products/import')).toBe('/v1/products/import');
    expect(documentedPath(document, '/v1/products/42?x=1')).toBe('/v1/products/{id}');
    expect(documentedPath(document, '/v1/products')).toBeUndefined();
  });

  it('names undocumented operations and statuses, and bodies that break their schema', () => {
    const exchange = { method: 'GET', path: '/v1/products/1', contentType: 'application/json' };
    expect(
      conformanceProblems(document, [
        { ...exchange, status: 200, body: '{"id":"1"}' },
        { ...exchange, status: 200, body: '{"name":"no id"}' },
        { ...exchange, status: 418, body: '' },
        { ...exchange, method: 'DELETE', status: 204, body: '' },
        { ...exchange, method: 'PUT', status: 405, body: '' },
        { ...exchange, path: '/docs/openapi.json', status: 200, body: '{}' },
      ]),
    ).toEqual([
      'DELETE /v1/products/{id}: answered 204 but is not documented',
      "GET /v1/products/{id} 200: body does not match its schema: data must have required property 'id'",
      'GET /v1/products/{id}: answered 418, which is not documented',
    ]);
  });
});
