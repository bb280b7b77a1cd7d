import { type ArgumentMetadata, StandardSchemaValidationPipe } from '@nestjs/common';
import { badRequest } from './app-error.js';

/**
 * Validates every `@Body({ schema })`, `@Query({ schema })` and `@Param({ schema })` against
 * its zod contract and answers 400 problem+json listing each invalid field.
 *
 * Before any schema, every string of the input is checked for U+0000: PostgreSQL cannot hold
 * it in `text` or `jsonb` (`invalid byte sequence for encoding "UTF8": 0x00`), so a NUL that
 * got past the edge became a 500 wherever it reached a query. No Atlas field has a use for it.
 */
class AtlasValidationPipe extends StandardSchemaValidationPipe {
  override transform<T>(value: T, metadata: ArgumentMetadata): Promise<T> {
    const path = pathToNul(value);
    if (path !== undefined) {
      return Promise.reject(
        badRequest('REQUEST.INVALID', 'The request is invalid.', [
          { path, message: 'must not contain the NUL character (U+0000)' },
        ]),
      );
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): StandardSchemaValidationPipe {
  return new AtlasValidationPipe({
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

/** Where in a parsed JSON or query value a string (or key) holds U+0000: its dotted path. */
function pathToNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = pathToNul(value[index], join(path, String(index)));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return join(path, key.replaceAll('\u0000', '\\u0000'));
    const found = pathToNul(item, join(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

function join(path: string, segment: string): string {
  return path === '' ? segment : `${path}.${segment}`;
}
