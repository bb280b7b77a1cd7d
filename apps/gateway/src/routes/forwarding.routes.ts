import {
  Body,
  Controller,
  Inject,
  Param,
  ParseUUIDPipe,
  Query,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Upstream } from '../gateway.config.js';
import { MAX_UPLOAD_BYTES } from '../uploads/upload-streams.js';
import { UpstreamClient } from '../upstream/upstream.client.js';
import { GATEWAY_ROUTES } from './gateway-routes.js';
import { pathParameters, type Operation, type RouteTable } from './operation.js';
import { OperationRoute } from './operation-route.decorator.js';

interface Forwarder {
  readonly upstream: UpstreamClient;
}

type Handler = (
  this: Forwarder,
  request: FastifyRequest,
  reply: FastifyReply,
  body?: unknown,
) => Promise<void>;

/**
 * A Nest controller with one handler for each operation of the table that a service answers,
 * made once, when the module is loaded. A handler is what a hand-written one would be: its
 * parameters are the request, the reply, then the body, query and `:id`s checked by the global
 * validation pipe (ParseUUIDPipe for the ids), and per request it only forwards. The global
 * guards read the metadata `OperationRoute` puts on it, and the exception filter answers its
 * errors, as for any route.
 */
export function forwardingRoutes(table: RouteTable): Type {
  @Controller()
  class ForwardingRoutes implements Forwarder {
    constructor(@Inject(UpstreamClient) readonly upstream: UpstreamClient) {}
  }
  for (const [name, operation] of Object.entries(table)) {
    // Checked for every entry, the hand-written ones too, before anything is served.
    const params = pathParameters(name, operation);
    if (operation.upstream !== undefined) {
      addHandler(ForwardingRoutes.prototype, name, operation, operation.upstream, params);
    }
  }
  return ForwardingRoutes;
}

/** The routes of GATEWAY_ROUTES that forward: every one but the hand-written few. */
export const ForwardingRoutes = forwardingRoutes(GATEWAY_ROUTES);

function addHandler(
  prototype: object,
  name: string,
  operation: Operation,
  upstream: Upstream,
  params: readonly string[],
) {
  const { body, query, upload } = operation.request ?? {};
  Object.defineProperty(prototype, name, {
    value: handlerFor(upstream, body !== undefined, upload !== undefined),
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  if (!descriptor) throw new Error(`no handler ${name}`);
  OperationRoute(operation)(prototype, name, descriptor);
  Req()(prototype, name, 0);
  Res()(prototype, name, 1);
  let index = 2;
  if (body) Body({ schema: body })(prototype, name, index++);
  if (query) Query({ schema: query })(prototype, name, index++);
  for (const param of params) Param(param, ParseUUIDPipe)(prototype, name, index++);
}

/** Chosen here, once, so that a request runs no code that decides what kind of route it is. */
function handlerFor(upstream: Upstream, withBody: boolean, upload: boolean): Handler {
  if (upload) {
    // Streamed to the service as it arrives, never parsed or buffered here.
    return function forwardUpload(request, reply) {
      return this.upstream.forwardUpload(upstream, request, reply, MAX_UPLOAD_BYTES);
    };
  }
  if (withBody) {
    // The validated body, re-serialised: exactly what the contract accepted, nothing more.
    return function forwardWithBody(request, reply, body) {
      return this.upstream.forward(upstream, request, reply, body);
    };
  }
  return function forward(request, reply) {
    return this.upstream.forward(upstream, request, reply);
  };
}
