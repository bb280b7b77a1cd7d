import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, Pool, type Dispatcher } from 'undici';
import { AppError, REQUEST_ID_HEADER } from '#atlas/http';
import type { GatewayConfig, Upstream } from '../gateway.config.js';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Request headers a service needs; everything else (cookies, hop-by-hop headers) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'accept',
  'accept-language',
  'content-type',
  'idempotency-key',
] as const;

/** Response headers a client needs back. */
const RETURNED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'location',
  'retry-after',
  'www-authenticate',
  'etag',
] as const;

/**
 * The gateway's way to the services: one pool of keep-alive connections per upstream, with a
 * timeout on every call. A service that is down or too slow becomes a 502 or 504 problem,
 * never a hung client.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly pools = new Map<Upstream, Pool>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async forward(
    upstream: Upstream,
    request: FastifyRequest,
    reply: FastifyReply,
    body?: unknown,
  ): Promise<void> {
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: request.id,
      'x-forwarded-for': request.ip,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';

    let response;
    try {
      response = await this.pool(upstream).request({
        method: forwardedMethod(request.method),
        path: request.url,
        headers,
        body: payload,
        headersTimeout: this.config.upstreamTimeoutMs,
        bodyTimeout: this.config.upstreamTimeoutMs,
      });
    } catch (error) {
      throw upstreamFailure(upstream, error);
    }
    const content = Buffer.from(await response.body.arrayBuffer());
    for (const name of RETURNED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    await reply.status(response.statusCode).send(content.length > 0 ? content : undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private pool(upstream: Upstream): Pool {
    let pool = this.pools.get(upstream);
    if (!pool) {
      pool = new Pool(this.config.upstreams[upstream], {
        connections: 64,
        keepAliveTimeout: 30_000,
        connectTimeout: Math.min(this.config.upstreamTimeoutMs, 5_000),
      });
      this.pools.set(upstream, pool);
    }
    return pool;
  }
}

const FORWARDED_METHODS: readonly Dispatcher.HttpMethod[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
];

function forwardedMethod(method: string): Dispatcher.HttpMethod {
  const known = FORWARDED_METHODS.find((candidate) => candidate === method);
  if (!known) throw new AppError('HTTP.METHOD_NOT_ALLOWED', 405, `${method} is not forwarded.`);
  return known;
}

function upstreamFailure(upstream: Upstream, error: unknown): AppError {
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new AppError('UPSTREAM.TIMEOUT', 504, `The ${upstream} service did not answer in time.`);
  }
  return new AppError('UPSTREAM.UNAVAILABLE', 502, `The ${upstream} service is unavailable.`);
}
