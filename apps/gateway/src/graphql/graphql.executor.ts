import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { GraphqlError, GraphqlRequest, GraphqlResponse } from '#atlas/contracts';
import { AppError } from '#atlas/http';
import { authenticatedUserOf, RequestAuthentication } from '#atlas/security';
import type { GatewayConfig } from '../gateway.config.js';
import { GATEWAY_CONFIG, UpstreamClient } from '../upstream/upstream.client.js';
import { GraphqlContext } from './graphql-context.js';
import { atlasSchema } from './graphql.schema.js';
import { measureQuery, queryLimitErrors, type QueryLimits } from './query-limits.js';
import { UpstreamReads } from './upstream-reads.js';

/**
 * Deepest legitimate query: `me { orders { items { items { product { name } } } } }` (6).
 * Cost: the default page of 20 orders with up to 50 items each and their products is 2021.
 */
export const GRAPHQL_LIMITS: QueryLimits = { maxDepth: 7, maxCost: 5_000 };

/** Parser tokens: bounds the work of parsing whatever fits in the query's length. */
const MAX_TOKENS = 5_000;

export interface GraphqlOptions {
  readonly schema: GraphQLSchema;
  readonly limits: QueryLimits;
  /** Off in production: the schema is then known only to those who read this code or /docs. */
  readonly introspection: boolean;
}

/**
 * One GraphQL request: parse, validate, check depth and cost, then execute, in that order, so
 * a query that is malformed, unknown or too large never reaches a service. Every error leaves
 * with a stable `extensions.code`; one that is not ours to explain is logged and masked.
 */
export async function runGraphql(
  request: GraphqlRequest,
  context: GraphqlContext,
  options: GraphqlOptions,
  logger: Pick<Logger, 'error'>,
): Promise<GraphqlResponse> {
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    if (error instanceof GraphQLError) return refuse([error], 'GRAPHQL.PARSE_FAILED');
    throw error;
  }

  const rules: readonly ValidationRule[] = options.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const invalid = validate(options.schema, document, rules);
  if (invalid.length > 0) return refuse(invalid, 'GRAPHQL.VALIDATION_FAILED');

  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    return refuse(
      [new GraphQLError('Send one operation, or name the one to run in operationName.')],
      'GRAPHQL.VALIDATION_FAILED',
    );
  }
  const variables = request.variables ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const tooLarge = queryLimitErrors(
    measureQuery(options.schema, operation, fragments, variables),
    options.limits,
  );
  if (tooLarge.length > 0) return refuse(tooLarge, 'GRAPHQL.LIMIT');

  const result = await execute({
    schema: options.schema,
    document,
    operationName: request.operationName,
    variableValues: variables,
    contextValue: context,
  });
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors?.length
      ? { errors: result.errors.map((error) => formatError(error, logger)) }
      : {}),
  };
}

function refuse(errors: readonly GraphQLError[], code: string): GraphqlResponse {
  return {
    errors: errors.map((error) => {
      const { message, locations, extensions } = error.toJSON();
      return {
        message,
        ...(locations ? { locations: [...locations] } : {}),
        extensions: { code, ...extensions },
      };
    }),
  };
}

function formatError(error: GraphQLError, logger: Pick<Logger, 'error'>): GraphqlError {
  const { message, locations, path } = error.toJSON();
  const where = {
    ...(locations ? { locations: [...locations] } : {}),
    ...(path ? { path: [...path] } : {}),
  };
  const original = error.originalError;
  if (original instanceof AppError) {
    return {
      message: original.message,
      ...where,
      extensions: {
        code: original.code,
        status: original.status,
        ...(original.errors ? { errors: original.errors } : {}),
      },
    };
  }
  // No original error: graphql-js itself refused a value (a bad variable, a null where the
  // schema promises one); its message names only the schema's own terms.
  if (!original) return { message, ...where, extensions: { code: 'GRAPHQL.EXECUTION_FAILED' } };
  logger.error({ err: original, path }, 'GraphQL resolver failed');
  return { message: 'Internal error.', ...where, extensions: { code: 'INTERNAL' } };
}

export function graphqlOptions(config: Pick<GatewayConfig, 'docsEnabled'>): GraphqlOptions {
  // Introspection is the schema's documentation: served wherever /docs is, so by default
  // everywhere but production (DOCS_ENABLED).
  return { schema: atlasSchema, limits: GRAPHQL_LIMITS, introspection: config.docsEnabled };
}

/** The Nest side: one context per request, with the caller's headers and token. */
@Injectable()
export class GraphqlExecutor {
  private readonly logger = new Logger('GraphQL');
  private readonly options: GraphqlOptions;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly upstream: UpstreamClient,
    private readonly authentication: RequestAuthentication,
  ) {
    this.options = graphqlOptions(config);
  }

  run(body: GraphqlRequest, request: FastifyRequest): Promise<GraphqlResponse> {
    // `me` and `myOrders` ask the REST routes' check (signature, claims, revocation; the same
    // 401, or 503 when revocation cannot be checked) for this request's token, checked once.
    const context = new GraphqlContext(new UpstreamReads(this.upstream, request), async () =>
      authenticatedUserOf(await this.authentication.authenticate(request.raw)),
    );
    return runGraphql(body, context, this.options, this.logger);
  }
}
