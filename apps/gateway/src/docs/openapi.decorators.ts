import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { Problem } from '#atlas/contracts';

/**
 * OpenAPI 3.1 schema objects are JSON Schema 2020-12, which is what zod emits: the contracts
 * that validate requests also document them, so the two cannot drift apart.
 */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  // Both types describe JSON Schema 2020-12; they are declared separately by zod and swagger.
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion
  return json as SchemaObject;
}

export const ApiJsonBody = (schema: z.ZodType) =>
  ApiBody({ schema: openApiSchema(schema), required: true });

export const ApiJsonResponse = (status: number, description: string, schema?: z.ZodType) =>
  ApiResponse({
    status,
    description,
    ...(schema ? { schema: openApiSchema(schema) } : {}),
  });

/** The problem+json error answers a route can give. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: 'RFC 9457 problem details',
        content: { 'application/problem+json': { schema: openApiSchema(Problem) } },
      }),
    ),
  );
