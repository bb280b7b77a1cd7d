import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';

/** One request of a journey and the gateway's answer, as the client saw it. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const Operation = z.object({
  responses: z
    .record(
      z.string(),
      z.object({
        content: z
          .record(z.string(), z.object({ schema: z.record(z.string(), z.unknown()).optional() }))
          .optional(),
      }),
    )
    .default({}),
});
const OpenApiDocument = z.object({
  openapi: z.string().startsWith('3.1'),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;

export async function fetchOpenApi(gatewayUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${gatewayUrl}/docs/openapi.json`);
  if (!response.ok) throw new Error(`GET /docs/openapi.json answered ${response.status}`);
  return OpenApiDocument.parse(await response.json());
}

/** Served for machines and operators, not part of the public API the document describes. */
export const OUTSIDE_THE_API = [/^\/health\//, /^\/metrics(\?|$)/, /^\/docs(\/|\?|$)/];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * The documented path template a concrete path falls under (`/v1/orders/{id}`), if any; a
 * literal segment wins over a parameter, as in routing (`/v1/products/import` is not
 * `/v1/products/{id}`).
 */
export function documentedPath(document: OpenApiDocument, path: string): string | undefined {
  const segments = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  const parameters = (template: string) => (template.match(/\{/g) ?? []).length;
  return Object.keys(document.paths)
    .filter((template) => {
      const parts = template.split('/').filter(Boolean);
      return (
        parts.length === segments.length &&
        parts.every((part, i) => part.startsWith('{') || part === segments[i])
      );
    })
    .sort((a, b) => parameters(a) - parameters(b))[0];
}

/** `METHOD /path/{param}` for every operation the document describes. */
export function documentedOperations(document: OpenApiDocument): Set<string> {
  const operations = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) {
      if (HTTP_METHODS.includes(method)) operations.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return operations;
}

/**
 * Checks each exchange against the document: the operation is documented, its status is one
 * of the documented responses, and a JSON body matches that response's schema. Returns one line
 * per mismatch (empty when everything the journeys saw was as documented).
 */
export function conformanceProblems(document: OpenApiDocument, exchanges: readonly Exchange[]) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const problems = new Set<string>();
  for (const exchange of exchanges) {
    if (OUTSIDE_THE_API.some((pattern) => pattern.test(exchange.path))) continue;
    const template = documentedPath(document, exchange.path);
    const name = `${exchange.method} ${template ?? exchange.path}`;
    const rawOperation = template
      ? document.paths[template]?.[exchange.method.toLowerCase()]
      : undefined;
    if (rawOperation === undefined) {
      // Asking for what the API does not have is answered 404 or 405, as it should be.
      if (exchange.status !== 404 && exchange.status !== 405) {
        problems.add(`${name}: answered ${exchange.status} but is not documented`);
      }
      continue;
    }
    const operation = Operation.parse(rawOperation);
    const response = operation.responses[String(exchange.status)] ?? operation.responses.default;
    if (!response) {
      problems.add(`${name}: answered ${exchange.status}, which is not documented`);
      continue;
    }
    const type = exchange.contentType.split(';')[0]?.trim() ?? '';
    const schema =
      response.content?.[type]?.schema ?? response.content?.['application/json']?.schema;
    if (!schema || !type.endsWith('json') || exchange.body === '') continue;
    const validate = ajv.compile(schema);
    if (!validate(JSON.parse(exchange.body))) {
      problems.add(
        `${name} ${exchange.status}: body does not match its schema: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
  return [...problems].sort();
}

/**
 * Records every request the test process makes to the gateway, with the gateway's answer, by
 * wrapping `fetch` for the suite (the requests and answers themselves are untouched).
 */
export function recordGatewayExchanges(gatewayUrl: () => string | undefined) {
  const exchanges: Exchange[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const base = gatewayUrl();
    const request = new Request(input, init);
    if (base && request.url.startsWith(base)) {
      const url = new URL(request.url);
      const contentType = response.headers.get('content-type') ?? '';
      exchanges.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        status: response.status,
        contentType,
        // A stream (SSE) is still open: its events are not a documented JSON body.
        body: contentType.startsWith('text/event-stream') ? '' : await response.clone().text(),
      });
    }
    return response;
  };
  return { exchanges, restore: () => void (globalThis.fetch = original) };
}
