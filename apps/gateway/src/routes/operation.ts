import type { z } from 'zod';
import type { Permission } from '#atlas/security';
import type { Upstream } from '../gateway.config.js';
import type { CredentialRoute } from '../rate-limit/credential-rate-limit.guard.js';

/**
 * One operation of the public API, as the route table gives it: everything the Nest route and
 * the OpenAPI document are made of, so the two are made from the same facts.
 */
export type Operation = OperationFacts & Serving;

interface OperationFacts {
  readonly method: HttpMethod;
  /** Fastify's form: `/v1/orders/:id`. */
  readonly path: string;
  readonly access: Access;
  /** A place where credentials are tried: its own budget per client IP (`@LimitPerClientIp`). */
  readonly limitPerClientIp?: CredentialRoute;
  readonly tag: Tag;
  /** One line, shown in the list of operations. */
  readonly summary: string;
  /** What a client needs to know beyond the summary: rules, limits, what comes next. */
  readonly description: string;
  readonly request?: OperationRequest;
  readonly responses: Partial<Readonly<Record<SuccessStatus, SuccessResponse>>>;
  /**
   * The problems the service behind it answers (404, 409, 422, ...). What follows from the entry
   * itself is added to the document: 400 when anything is validated, 401 when a token is
   * needed, 403 with a permission; and what any route may answer (429, 5xx) to every one.
   */
  readonly problems?: readonly ProblemStatus[];
}

/**
 * Who answers: `upstream`, the service that the handler generated from this entry forwards to;
 * or, for an operation that does more than forward (a stream, a raw body, GraphQL), where its
 * hand-written route is and why.
 */
export type Serving =
  | { readonly upstream: Upstream; readonly handWritten?: never }
  | { readonly upstream?: never; readonly handWritten: string };

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Who may call, as the global guards enforce it: anyone (`@Public()`); anyone, with a token
 * telling who calls when one is sent (GraphQL); any signed-in user; or a user whose roles grant
 * a permission (`@RequirePermissions()`).
 */
export type Access =
  'public' | 'token-optional' | 'signed-in' | { readonly permission: Permission };

export type Tag =
  | 'auth'
  | 'catalog'
  | 'orders'
  | 'payments'
  | 'notifications'
  | 'webhooks'
  | 'admin'
  | 'graphql'
  | 'ops';

export interface OperationRequest {
  /**
   * Every `:name` of the path and how it is checked. The API's path parameters are all UUIDs,
   * checked by ParseUUIDPipe (400 otherwise) before anything is forwarded.
   */
  readonly params?: Readonly<Record<string, 'uuid'>>;
  /** The query string, validated (400 otherwise). */
  readonly query?: z.ZodObject;
  /** The JSON body, validated (400 otherwise). */
  readonly body?: z.ZodType;
  /** A multipart/form-data body with one file in the field `file` (a hand-written route). */
  readonly upload?: 'file';
  /** Request headers the operation reads, for the document (the service checks them). */
  readonly headers?: Readonly<Record<string, RequestHeader>>;
}

export interface RequestHeader {
  readonly required: boolean;
  readonly description: string;
  readonly schema: z.ZodType;
}

export type SuccessStatus = 101 | 200 | 201 | 202 | 204;

export interface SuccessResponse {
  readonly description: string;
  /** The JSON body; absent for an empty answer or one described by `content`. */
  readonly body?: z.ZodType;
  /** A body that is not JSON (an image, an event stream, metrics): its media types. */
  readonly content?: readonly string[];
}

/** What a service answers besides success; 429 and 5xx may come from any route, so go unlisted. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 426;

/** The table: operations by their operationId. */
export type RouteTable = Readonly<Record<string, Operation>>;

/**
 * The names of the path's parameters (`/v1/orders/:id` has `id`), each declared in
 * `request.params`. Asked once per operation at start, so a table that names a parameter the
 * path lacks, or forgets one, stops the gateway before it serves anything.
 */
export function pathParameters(operationId: string, operation: Operation): string[] {
  const inPath = [...operation.path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
  const declared = Object.keys(operation.request?.params ?? {});
  if (inPath.join() !== declared.join()) {
    throw new Error(
      `${operationId}: ${operation.path} has the parameters [${inPath.join(', ')}], ` +
        `request.params declares [${declared.join(', ')}]`,
    );
  }
  return inPath;
}
