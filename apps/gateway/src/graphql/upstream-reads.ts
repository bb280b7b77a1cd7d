import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Problem } from '#atlas/contracts';
import { AppError, REQUEST_ID_HEADER } from '#atlas/http';
import type { Upstream } from '../gateway.config.js';
import type { UpstreamClient } from '../upstream/upstream.client.js';

/**
 * The services' JSON reads on behalf of one GraphQL caller: their Authorization header goes
 * along, so each service checks the caller itself (orders answers only the caller's orders)
 * exactly as it does for the REST routes. Answers are parsed with the contracts; a service's
 * problem+json keeps its code and message, which are already safe to show a client.
 */
export class UpstreamReads {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly request: FastifyRequest,
  ) {}

  /** The parsed answer, or `null` when the service says 404. */
  async get<Schema extends z.ZodType>(
    service: Upstream,
    path: string,
    schema: Schema,
  ): Promise<z.output<Schema> | null> {
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: this.request.id,
      'x-forwarded-for': this.request.ip,
    };
    const authorization = this.request.headers.authorization;
    if (authorization) headers.authorization = authorization;

    const { status, body } = await this.upstream.getJson(service, path, headers);
    if (status === 404) return null;
    if (status !== 200) {
      const problem = Problem.safeParse(body);
      throw problem.success
        ? new AppError(problem.data.code, status, problem.data.detail ?? problem.data.title)
        : new AppError('UPSTREAM.UNAVAILABLE', 502, `The ${service} service failed.`);
    }
    // A service answering outside its contract is a bug here, not the caller's: not shown.
    return schema.parse(body);
  }
}
