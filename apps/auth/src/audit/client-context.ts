import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as far as the audit log and the abuse limits need to know. */
export interface ClientContext {
  /** The client's address: from X-Forwarded-For only when the gateway is a trusted proxy. */
  readonly ip: string;
}

export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ClientContext => ({
    ip: context.switchToHttp().getRequest<FastifyRequest>().ip,
  }),
);
