import { describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AppError, badRequest, notFound } from './app-error.js';
import { toProblem } from './problem-details.js';

describe('toProblem', () => {
  it('keeps the code, status and message of an application error', () => {
    expect(
      toProblem(notFound('ORDERS.NOT_FOUND', 'No order with this id.'), {
        instance: '/v1/orders/1',
        traceId: 'abc',
      }),
    ).toEqual({
      type: 'urn:atlas:problem:orders.not_found',
      title: 'Not Found',
      status: 404,
      code: 'ORDERS.NOT_FOUND',
      detail: 'No order with this id.',
      instance: '/v1/orders/1',
      traceId: 'abc',
    });
  });

  it('lists invalid fields of a validation error', () => {
    const problem = toProblem(
      badRequest('REQUEST.INVALID', 'The request is invalid.', [
        { path: 'items.0.quantity', message: 'Too small' },
      ]),
    );
    expect(problem).toMatchObject({ status: 400, code: 'REQUEST.INVALID', type: 'about:blank' });
    expect(problem.errors).toEqual([{ path: 'items.0.quantity', message: 'Too small' }]);
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      code: 'HTTP.NOT_FOUND',
      detail: 'Cannot GET /nope',
    });
    expect(toProblem(new BadRequestException(['a is bad', 'b is bad'])).detail).toBe(
      'a is bad; b is bad',
    );
  });

  it('keeps the 4xx status the HTTP server gives its own errors', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(toProblem(tooLarge)).toMatchObject({ status: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('reveals nothing about an unexpected failure', () => {
    const problem = toProblem(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2'));
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL',
      detail: 'An unexpected error occurred.',
    });
    const serverSide = Object.assign(new Error('upstream said 503'), { statusCode: 503 });
    expect(toProblem(serverSide).status).toBe(500);
  });

  it('treats any AppError status as authoritative', () => {
    expect(toProblem(new AppError('RATE_LIMITED', 429, 'Slow down.')).title).toBe(
      'Too Many Requests',
    );
  });
});
