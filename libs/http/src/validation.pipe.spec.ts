import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AppError } from './app-error.js';
import { createValidationPipe } from './validation.pipe.js';

const Search = z.object({ q: z.string().max(200).optional() });
const pipe = createValidationPipe();
const asQuery = { type: 'query', metatype: Object, data: undefined, schema: Search } as const;
const asBody = { type: 'body', metatype: Object, data: undefined } as const;

async function refusal(value: unknown, metadata: Parameters<typeof pipe.transform>[1]) {
  const error = await pipe.transform(value, metadata).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { status: error.status, code: error.code, errors: error.errors };
}

describe('the validation pipe', () => {
  it('refuses a NUL in a query string with 400 naming the field, before the schema', async () => {
    expect(await refusal({ q: 'tent\u0000' }, asQuery)).toEqual({
      status: 400,
      code: 'REQUEST.INVALID',
      errors: [{ path: 'q', message: 'must not contain the NUL character (U+0000)' }],
    });
  });

  it('finds a NUL deep in a body, in a value or in a key', async () => {
    const body = { items: [{ productId: 'a' }, { productId: 'b', note: 'x\u0000y' }] };
    expect((await refusal(body, asBody)).errors).toEqual([
      { path: 'items.1.note', message: 'must not contain the NUL character (U+0000)' },
    ]);
    expect((await refusal({ ['evil\u0000']: 1 }, asBody)).errors?.[0]?.path).toBe('evil\\u0000');
  });

  it('passes everything else on to the schema, other control characters included', async () => {
    await expect(pipe.transform({ q: 'tab\there' }, asQuery)).resolves.toEqual({ q: 'tab\there' });
    expect((await refusal({ q: 'x'.repeat(201) }, asQuery)).errors?.[0]?.path).toBe('q');
    await expect(pipe.transform(Buffer.from([0]), asBody)).resolves.toEqual(Buffer.from([0]));
  });
});
