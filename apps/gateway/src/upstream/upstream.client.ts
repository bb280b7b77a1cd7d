import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Transform, type TransformCallback } from 'node:stream';
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

export interface ForwardOptions {
  /** Send these bytes instead of the validated body re-serialised: a signed body must not change. */
  readonly rawBody?: Buffer | undefined;
  /** Request headers this route forwards on top of the usual ones (a signature, say). */
  readonly headers?: readonly string[];
}

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
    options: ForwardOptions = {},
  ): Promise<void> {
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: request.id,
      'x-forwarded-for': request.ip,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    for (const name of options.headers ?? []) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
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
    await relay(response, reply);
  }

  /**
   * Streams a multipart upload to the service as it arrives, neither parsed nor buffered here
   * (the route's guards have run; the service checks the file). More than `maxBytes` in all is
   * cut off with 413, however the client declared its length.
   */
  async forwardUpload(
    upstream: Upstream,
    request: FastifyRequest,
    reply: FastifyReply,
    maxBytes: number,
  ): Promise<void> {
    const tooLarge = () =>
      new AppError('REQUEST.TOO_LARGE', 413, `The upload is larger than ${maxBytes} bytes.`);
    if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
      throw new AppError(
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        415,
        'Send the file as multipart/form-data, in a field named "file".',
      );
    }
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: request.id,
      'x-forwarded-for': request.ip,
    };
    for (const name of [...FORWARDED_REQUEST_HEADERS, 'content-length'] as const) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = new ByteLimit(maxBytes);
    request.raw.pipe(body);
    let response;
    try {
      response = await this.pool(upstream).request({
        method: forwardedMethod(request.method),
        path: request.url,
        headers,
        body,
        headersTimeout: this.config.upstreamTimeoutMs,
        bodyTimeout: this.config.upstreamTimeoutMs,
      });
    } catch (error) {
      throw body.exceeded ? tooLarge() : upstreamFailure(upstream, error);
    }
    await relay(response, reply);
  }

  /** A service's JSON answer for the gateway's own use (not relayed to the client). */
  async getJson(
    upstream: Upstream,
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: unknown }> {
    let response;
    try {
      response = await this.pool(upstream).request({
        method: 'GET',
        path,
        headers: { accept: 'application/json', ...headers },
        headersTimeout: this.config.upstreamTimeoutMs,
        bodyTimeout: this.config.upstreamTimeoutMs,
      });
    } catch (error) {
      throw upstreamFailure(upstream, error);
    }
    const text = await response.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the caller sees the text.
    }
    return { status: response.statusCode, body };
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

async function relay(response: Dispatcher.ResponseData, reply: FastifyReply): Promise<void> {
  const content = Buffer.from(await response.body.arrayBuffer());
  for (const name of RETURNED_RESPONSE_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) reply.header(name, value);
  }
  await reply.status(response.statusCode).send(content.length > 0 ? content : undefined);
}

/** Passes bytes through until `maxBytes`, then fails the stream (and so the upstream call). */
class ByteLimit extends Transform {
  exceeded = false;
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: string, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      this.exceeded = true;
      done(new Error(`upload larger than ${this.maxBytes} bytes`));
      return;
    }
    done(null, chunk);
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
