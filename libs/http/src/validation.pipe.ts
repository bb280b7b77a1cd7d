import { StandardSchemaValidationPipe } from '@nestjs/common';
import { badRequest } from './app-error.js';

/**
 * Validates every `@Body({ schema })`, `@Query({ schema })` and `@Param({ schema })` against
 * its zod contract and answers 400 problem+json listing each invalid field.
 */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) =>
      badRequest(
        'REQUEST.INVALID',
        'The request is invalid.',
        issues.map((issue) => ({
          path: (issue.path ?? [])
            .map((segment) => (typeof segment === 'object' ? segment.key : segment))
            .join('.'),
          message: issue.message,
        })),
      ),
  });
}
