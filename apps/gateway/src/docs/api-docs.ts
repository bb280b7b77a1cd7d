import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { asyncApiDocument, PROBLEM_CONTENT_TYPE, Problem } from '#atlas/contracts';
import { openApiSchema } from './openapi.decorators.js';

const GLOBAL_PROBLEMS: readonly (readonly [number, string])[] = [
  [429, 'Rate limited: retry after `Retry-After` seconds'],
  [500, 'An unexpected failure (details only in the logs)'],
  [502, 'The service behind this route is unreachable'],
  [
    503,
    'The service is not taking calls right now (circuit open, bulkhead full): see `Retry-After`',
  ],
  [504, 'The service did not answer in time'],
];

/**
 * Swagger UI at /docs, the OpenAPI 3.1 document at /docs/openapi.json, and the AsyncAPI 3.0
 * document of every Kafka topic at /docs/asyncapi.json.
 */
export function serveApiDocs(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Atlas API')
    .setDescription(
      'The public API of Atlas, served by the gateway. Errors are RFC 9457 problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    // What any route may answer, whatever it does: the edge's limits and the upstream policy.
    .addGlobalResponse(
      ...GLOBAL_PROBLEMS.map(([status, description]) => ({
        status,
        description,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: openApiSchema(Problem) } },
      })),
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    ui: true,
  });
  const events = asyncApiDocument();
  app
    .getHttpAdapter()
    .getInstance()
    .get('/docs/asyncapi.json', async (_request, reply) =>
      reply.type('application/json').send(events),
    );
}
