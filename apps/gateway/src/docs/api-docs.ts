import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { asyncApiDocument } from '#atlas/contracts';
import { GATEWAY_ROUTES } from '../routes/gateway-routes.js';
import { openApiDocument } from './openapi-document.js';

/**
 * Swagger UI at /docs, the OpenAPI 3.1 document of the route table at /docs/openapi.json (and
 * .yaml), and the AsyncAPI 3.0 document of every Kafka topic at /docs/asyncapi.json.
 */
export function serveApiDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(GATEWAY_ROUTES), {
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
