import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details.js';
import { activeTraceId } from './trace-id.js';

/**
 * The HTTP transport's single exception filter: every error leaves as problem+json with a
 * stable code and the trace id, so a client can quote it and an operator can find the trace.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(error, request, reply, this.logger);
  }
}

export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const problem = toProblem(error, {
    instance: request.url.split('?')[0],
    traceId: activeTraceId() ?? request.id,
  });
  if (problem.status >= 500) {
    logger.error({ err: error, code: problem.code, url: request.url }, 'request failed');
  }
  if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(error.retryAfterSeconds));
  }
  void reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
