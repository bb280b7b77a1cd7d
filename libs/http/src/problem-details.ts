import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, type Problem } from '#atlas/contracts';
import { AppError } from './app-error.js';

export { PROBLEM_CONTENT_TYPE };

/** Codes for errors that carry only an HTTP status (a Nest HttpException, a Fastify error). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  406: 'HTTP.NOT_ACCEPTABLE',
  408: 'HTTP.REQUEST_TIMEOUT',
  409: 'HTTP.CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: 'REQUEST.UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  502: 'UPSTREAM.BAD_GATEWAY',
  503: 'UNAVAILABLE',
  504: 'UPSTREAM.TIMEOUT',
};

export interface ProblemContext {
  readonly instance?: string;
  readonly traceId?: string;
}

/**
 * Turns any thrown value into an RFC 9457 problem. Only AppErrors, HttpExceptions and
 * client errors raised by the HTTP server keep their message: anything else is an
 * unexpected failure, so the client gets a plain 500 and the details stay in the logs.
 */
export function toProblem(error: unknown, context: ProblemContext = {}): Problem {
  const { status, code, detail, errors } = classify(error);
  const problem: Problem = {
    type: code in GENERIC_CODES ? 'about:blank' : `urn:atlas:problem:${code.toLowerCase()}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
  };
  if (detail) problem.detail = detail;
  if (errors?.length) problem.errors = [...errors];
  if (context.instance) problem.instance = context.instance;
  if (context.traceId) problem.traceId = context.traceId;
  return problem;
}

const GENERIC_CODES: Readonly<Record<string, true>> = Object.fromEntries(
  Object.values(CODE_BY_STATUS).map((code) => [code, true]),
);

interface Classified {
  status: number;
  code: string;
  detail?: string;
  errors?: readonly { path: string; message: string }[];
}

function classify(error: unknown): Classified {
  if (error instanceof AppError) {
    const classified: Classified = {
      status: error.status,
      code: error.code,
      detail: error.message,
    };
    if (error.errors) classified.errors = error.errors;
    return classified;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, code: codeFor(status), detail: messageOf(error.getResponse(), error.message) };
  }
  const status = clientErrorStatus(error);
  if (status && error instanceof Error) {
    return { status, code: codeFor(status), detail: error.message };
  }
  return { status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred.' };
}

export function codeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'REQUEST.INVALID');
}

/** Fastify's own errors (body too large, bad JSON, wrong content type) carry a 4xx statusCode. */
function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('statusCode' in error)) return undefined;
  const status = Number(error.statusCode);
  return status >= 400 && status < 500 ? status : undefined;
}

function messageOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message: unknown = 'message' in response ? response.message : undefined;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return fallback;
}
