import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { createValidationPipe, IS_PUBLIC, ProblemDetailsFilter } from '#atlas/http';
import { REQUIRED_PERMISSIONS } from '#atlas/security';
import { GraphqlRoutes } from '../graphql/graphql.routes.js';
import { LiveSocketRoutes } from '../live/live-socket.routes.js';
import { OrderStreamRoutes } from '../live/order-stream.routes.js';
import { credentialRouteOf } from '../rate-limit/credential-rate-limit.guard.js';
import { acceptUploadStreams, MAX_UPLOAD_BYTES } from '../uploads/upload-streams.js';
import { UpstreamClient } from '../upstream/upstream.client.js';
import { ADMIN_OPERATIONS } from './admin.operations.js';
import { AUTH_OPERATIONS } from './auth.operations.js';
import { CATALOG_OPERATIONS } from './catalog.operations.js';
import { ForwardingRoutes } from './forwarding.routes.js';
import { GATEWAY_ROUTES } from './gateway-routes.js';
import { GRAPHQL_OPERATIONS } from './graphql.operations.js';
import { NOTIFICATIONS_OPERATIONS } from './notifications.operations.js';
import { pathParameters, type Operation, type RouteTable } from './operation.js';
import { OPS_OPERATIONS } from './ops.operations.js';
import { ORDERS_OPERATIONS } from './orders.operations.js';
import { PAYMENTS_OPERATIONS } from './payments.operations.js';
import { ProviderWebhookRoutes } from './provider-webhook.routes.js';

const reflector = new Reflector();

/** What the router and the global guards read on a handler. */
function routeMetadata(handler: unknown) {
  if (typeof handler !== 'function') throw new Error('not a route handler');
  return {
    path: reflector.get<string>(PATH_METADATA, handler),
    method: reflector.get<number>(METHOD_METADATA, handler),
    isPublic: reflector.get<boolean | undefined>(IS_PUBLIC, handler) ?? false,
    permissions: reflector.get<string[] | undefined>(REQUIRED_PERMISSIONS, handler) ?? [],
    credentialRoute: credentialRouteOf(reflector, handler),
  };
}

const METHODS = { GET: 0, POST: 1, PATCH: 4, DELETE: 3 } as const;

/** The metadata the table asks for. */
function expectedMetadata(operation: Operation) {
  const { access } = operation;
  return {
    path: operation.path,
    method: METHODS[operation.method],
    isPublic: access === 'public' || access === 'token-optional',
    permissions: typeof access === 'object' ? [access.permission] : [],
    credentialRoute: operation.limitPerClientIp,
  };
}

interface Forwarded {
  upstream: string;
  url: string;
  body?: unknown;
  maxBytes?: number;
}

/** Stands in for the upstream client: records what would have gone to which service. */
class RecordingUpstream {
  readonly forwarded: Forwarded[] = [];

  forward(upstream: string, request: { url: string }, reply: ReplyLike, body?: unknown) {
    this.forwarded.push({ upstream, url: request.url, ...(body === undefined ? {} : { body }) });
    return reply.status(200).send({ forwarded: true });
  }

  forwardUpload(upstream: string, request: { url: string }, reply: ReplyLike, maxBytes: number) {
    this.forwarded.push({ upstream, url: request.url, maxBytes });
    return reply.status(200).send({ forwarded: true });
  }
}

interface ReplyLike {
  status(code: number): { send(body: unknown): Promise<void> };
}

describe('the route table', () => {
  it('gives each operationId once, across the areas', () => {
    const parts = [
      AUTH_OPERATIONS,
      ADMIN_OPERATIONS,
      CATALOG_OPERATIONS,
      ORDERS_OPERATIONS,
      PAYMENTS_OPERATIONS,
      NOTIFICATIONS_OPERATIONS,
      GRAPHQL_OPERATIONS,
      OPS_OPERATIONS,
    ];
    const entries = parts.reduce((sum, part) => sum + Object.keys(part).length, 0);
    expect(Object.keys(GATEWAY_ROUTES)).toHaveLength(entries);
  });

  it('gives each method and path once', () => {
    const routes = Object.values(GATEWAY_ROUTES).map(({ method, path }) => `${method} ${path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('refuses an entry whose path parameters are not the ones it declares', () => {
    const entry = GATEWAY_ROUTES.getProduct;
    expect(pathParameters('getProduct', entry)).toEqual(['id']);
    expect(() => pathParameters('broken', { ...entry, request: {} })).toThrow(
      'broken: /v1/products/:id has the parameters [id], request.params declares []',
    );
    expect(() =>
      pathParameters('broken', { ...entry, path: '/v1/products', request: entry.request }),
    ).toThrow('request.params declares [id]');
  });

  it('makes a forwarding route of every entry with an upstream, as its entry says', () => {
    const table: RouteTable = GATEWAY_ROUTES;
    const forwarded = Object.entries(table).filter(
      ([, operation]) => operation.upstream !== undefined,
    );
    expect(forwarded.length).toBeGreaterThan(30);
    for (const [name, operation] of forwarded) {
      const handler: unknown = Reflect.get(ForwardingRoutes.prototype, name);
      expect({ name, ...routeMetadata(handler) }).toEqual({
        name,
        ...expectedMetadata(operation),
      });
    }
  });

  it('routes the hand-written handlers as their entries say', () => {
    const handWritten: [Operation, { prototype: object }, string][] = [
      [GATEWAY_ROUTES.providerWebhook, ProviderWebhookRoutes, 'providerWebhook'],
      [GATEWAY_ROUTES.orderStream, OrderStreamRoutes, 'stream'],
      [GATEWAY_ROUTES.liveSocket, LiveSocketRoutes, 'upgradeRequired'],
      [GATEWAY_ROUTES.graphql, GraphqlRoutes, 'run'],
    ];
    for (const [operation, routes, method] of handWritten) {
      expect(routeMetadata(Reflect.get(routes.prototype, method))).toEqual(
        expectedMetadata(operation),
      );
    }
  });
});

describe('a generated route', () => {
  let app: NestFastifyApplication;
  let fastify: FastifyInstance;
  const upstream = new RecordingUpstream();

  beforeAll(async () => {
    @Module({
      controllers: [ForwardingRoutes],
      providers: [{ provide: UpstreamClient, useValue: upstream }],
    })
    class RoutesModule {}
    app = await NestFactory.create<NestFastifyApplication>(RoutesModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.useGlobalPipes(createValidationPipe());
    acceptUploadStreams(app.getHttpAdapter().getInstance());
    await app.init();
    fastify = app.getHttpAdapter().getInstance();
    await fastify.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  const lastForwarded = () => upstream.forwarded.at(-1);

  it('forwards the validated body to its service', async () => {
    const answer = await fastify.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'ada@example.com', password: 'a password' },
    });
    expect(answer.statusCode).toBe(200);
    expect(lastForwarded()).toEqual({
      upstream: 'auth',
      url: '/v1/auth/login',
      body: { email: 'ada@example.com', password: 'a password' },
    });
  });

  it('forwards a request without a body, its query string untouched', async () => {
    const answer = await fastify.inject({ method: 'GET', url: '/v1/products?q=mug&limit=5' });
    expect(answer.statusCode).toBe(200);
    expect(lastForwarded()).toEqual({ upstream: 'catalog', url: '/v1/products?q=mug&limit=5' });
  });

  it('streams an upload to its service, with the gateway’s size limit', async () => {
    const answer = await fastify.inject({
      method: 'POST',
      url: '/v1/products/import',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--',
    });
    expect(answer.statusCode).toBe(200);
    expect(lastForwarded()).toEqual({
      upstream: 'catalog',
      url: '/v1/products/import',
      maxBytes: MAX_UPLOAD_BYTES,
    });
  });

  it('answers 400 and forwards nothing when the body, the query or an id is invalid', async () => {
    const before = upstream.forwarded.length;
    const invalid = [
      await fastify.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'x' } }),
      await fastify.inject({ method: 'GET', url: '/v1/products?limit=1000' }),
      await fastify.inject({ method: 'GET', url: '/v1/products/not-a-uuid' }),
      await fastify.inject({
        method: 'PATCH',
        url: '/v1/admin/users/not-a-uuid/roles',
        payload: { roles: ['admin'] },
      }),
    ];
    expect(invalid.map((answer) => [answer.statusCode, answer.json().code])).toEqual([
      [400, 'REQUEST.INVALID'],
      [400, 'REQUEST.INVALID'],
      [400, 'REQUEST.INVALID'],
      [400, 'REQUEST.INVALID'],
    ]);
    expect(upstream.forwarded).toHaveLength(before);
  });
});
