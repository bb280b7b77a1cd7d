import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { asyncApiDocument } from '#atlas/contracts';

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
