import { z } from 'zod';

/** Longer queries are refused before parsing; the gateway also caps the parser's tokens. */
export const MAX_GRAPHQL_QUERY_LENGTH = 20_000;

/** A GraphQL request over HTTP, as a JSON body (GraphQL over HTTP, `application/json`). */
export const GraphqlRequest = z.object({
  query: z.string().min(1).max(MAX_GRAPHQL_QUERY_LENGTH),
  operationName: z.string().max(200).nullish(),
  variables: z.record(z.string(), z.unknown()).nullish(),
});
export type GraphqlRequest = z.infer<typeof GraphqlRequest>;

export const GraphqlError = z.object({
  message: z.string(),
  locations: z.array(z.object({ line: z.number(), column: z.number() })).optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  /** `code` is stable, as in problem+json: `AUTH.UNAUTHENTICATED`, `GRAPHQL.COST_LIMIT`... */
  extensions: z.object({ code: z.string() }).catchall(z.unknown()),
});
export type GraphqlError = z.infer<typeof GraphqlError>;

/** What the query could resolve, and an error for each part that it could not. */
export const GraphqlResponse = z.object({
  data: z.record(z.string(), z.unknown()).nullish(),
  errors: z.array(GraphqlError).optional(),
});
export type GraphqlResponse = z.infer<typeof GraphqlResponse>;
