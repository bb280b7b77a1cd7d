import type {
  ContentObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  RequestBodyObject,
  ResponsesObject,
  SchemaObject,
  SecurityRequirementObject,
} from '@nestjs/swagger';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, Problem } from '#atlas/contracts';
import { PERMISSIONS_BY_ROLE, type Permission } from '#atlas/security';
import {
  pathParameters,
  type Access,
  type HttpMethod,
  type Operation,
  type ProblemStatus,
  type RouteTable,
  type SuccessResponse,
  type Tag,
} from '../routes/operation.js';

const TAGS: Readonly<Record<Tag, string>> = {
  auth: 'Accounts, sessions, MFA, and signing in with an OpenID Connect provider',
  admin: 'Users and signing keys, for admins',
  catalog: 'Products, their images, and CSV imports run as background jobs',
  orders: 'Orders, their event history and their live status',
  payments: 'The payment provider’s signed callbacks',
  notifications: 'The status changes of your orders, kept',
  webhooks: 'Your order events POSTed to your URL, signed',
  graphql: 'One query for products, the caller and their orders',
  ops: 'Probes and metrics, for operators and Kubernetes',
};

const PROBLEMS: Readonly<Record<ProblemStatus, string>> = {
  400: 'The request is invalid (`errors` lists each invalid field)',
  401: 'Not authenticated: no valid access token, or wrong credentials',
  403: 'Your roles do not allow this',
  404: 'Not found, or not yours',
  409: 'Refused in the current state',
  413: 'The upload is too large',
  415: 'The body is not of a type this operation takes',
  422: 'Refused by a rule of the service',
  426: 'Upgrade to WebSocket required',
};

/** What any route may answer, whatever it does: the edge's limits and the upstream policy. */
const ANY_ROUTE_PROBLEMS: Readonly<Record<number, string>> = {
  429: 'Rate limited: retry after `Retry-After` seconds',
  500: 'An unexpected failure (details only in the logs)',
  502: 'The service behind this route is unreachable',
  503: 'The service is not taking calls right now (circuit open, bulkhead full): see `Retry-After`',
  504: 'The service did not answer in time',
};

const METHODS: Readonly<Record<HttpMethod, keyof PathItemObject>> = {
  GET: 'get',
  POST: 'post',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * The OpenAPI 3.1 document of the table, made once at start. Schemas are the zod contracts that
 * validate the requests, as JSON Schema 2020-12; each is written out where it is used (no
 * `$ref`), so that any one response can be checked on its own.
 */
export function openApiDocument(table: RouteTable): OpenAPIObject {
  const paths: Record<string, PathItemObject> = {};
  for (const [operationId, operation] of Object.entries(table)) {
    const path = operation.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = {
      ...paths[path],
      [METHODS[operation.method]]: operationObject(operationId, operation),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Atlas API',
      version: '1',
      description:
        'The public API of Atlas, served by the gateway. Errors are RFC 9457 problem+json ' +
        'with a stable `code` and the `traceId` of the request.',
      contact: { name: 'The Atlas project' },
      license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
    },
    servers: [{ url: '/', description: 'The gateway that serves this document' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

function operationObject(operationId: string, operation: Operation): OperationObject {
  const { request } = operation;
  return {
    operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, ...accessNotes(operation)].join('\n\n'),
    security: security(operation.access),
    parameters: [
      ...pathParameters(operationId, operation).map((name): ParameterObject => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      })),
      ...(request?.query ? queryParameters(request.query) : []),
      ...Object.entries(request?.headers ?? {}).map(([name, header]): ParameterObject => ({
        name,
        in: 'header',
        required: header.required,
        description: header.description,
        schema: openApiSchema(header.schema),
      })),
    ],
    ...requestBody(operation),
    responses: responses(operation),
  };
}

function accessNotes({ access, limitPerClientIp }: Operation): string[] {
  const notes: string[] = [];
  if (typeof access === 'object') {
    notes.push(
      `Needs the permission \`${access.permission}\` (roles: ${rolesWith(access.permission)}).`,
    );
  }
  if (limitPerClientIp) notes.push('Attempts are limited per client IP (429 with Retry-After).');
  return notes;
}

function rolesWith(permission: Permission): string {
  return Object.entries(PERMISSIONS_BY_ROLE)
    .filter(([, permissions]) => permissions.includes(permission))
    .map(([role]) => role)
    .join(', ');
}

function security(access: Access): SecurityRequirementObject[] {
  if (typeof access === 'object') return [{ bearer: [] }];
  switch (access) {
    case 'public':
      return [];
    case 'token-optional':
      return [{}, { bearer: [] }];
    case 'signed-in':
      return [{ bearer: [] }];
    default: {
      const unknown: never = access;
      throw new Error(`unknown access ${String(unknown)}`);
    }
  }
}

function queryParameters(query: z.ZodObject): ParameterObject[] {
  const schema = openApiSchema(query);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...('description' in property && property.description
      ? { description: property.description }
      : {}),
    schema: property,
  }));
}

function requestBody({ request }: Operation): { requestBody: RequestBodyObject } | undefined {
  if (request?.body) {
    return {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: openApiSchema(request.body) } },
      },
    };
  }
  if (request?.upload) {
    return {
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: [request.upload],
              properties: { [request.upload]: { type: 'string', format: 'binary' } },
            },
          },
        },
      },
    };
  }
  return undefined;
}

function responses(operation: Operation): ResponsesObject {
  const answers: ResponsesObject = {};
  const successes: [string, SuccessResponse | undefined][] = Object.entries(operation.responses);
  for (const [status, response] of successes) {
    if (response) answers[status] = { description: response.description, ...content(response) };
  }
  const problem = { [PROBLEM_CONTENT_TYPE]: { schema: openApiSchema(Problem) } };
  for (const status of problemsOf(operation)) {
    answers[String(status)] = { description: PROBLEMS[status], content: problem };
  }
  for (const [status, description] of Object.entries(ANY_ROUTE_PROBLEMS)) {
    answers[status] = { description, content: problem };
  }
  return answers;
}

function content(response: SuccessResponse): { content?: ContentObject } {
  if (response.body) {
    return { content: { 'application/json': { schema: openApiSchema(response.body) } } };
  }
  if (!response.content) return {};
  return {
    content: Object.fromEntries(
      response.content.map((type) => [
        type,
        {
          schema: type.startsWith('text/')
            ? { type: 'string' }
            : { type: 'string', format: 'binary' },
        },
      ]),
    ),
  };
}

/** The problems listed, and those that follow from the entry: validation, a token, a permission. */
function problemsOf({ access, request, problems = [] }: Operation): ProblemStatus[] {
  const implied: ProblemStatus[] = [];
  if (request?.params || request?.query || request?.body) implied.push(400);
  if (access === 'signed-in' || typeof access === 'object') implied.push(401);
  if (typeof access === 'object') implied.push(403);
  return [...new Set([...implied, ...problems])].sort((a, b) => a - b);
}

/**
 * OpenAPI 3.1 schema objects are JSON Schema 2020-12, which is what zod emits: the contracts
 * that validate requests also document them, so the two cannot drift apart.
 */
function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  // Both describe JSON Schema; swagger's type is OpenAPI 3.0's (a boolean exclusiveMinimum),
  // zod's is 2020-12's (a number), which is what 3.1 documents use.
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion
  return json as SchemaObject;
}
