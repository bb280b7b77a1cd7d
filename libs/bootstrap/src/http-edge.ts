import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER } from '#atlas/http';

/**
 * What every app's HTTP server does regardless of its routes: security headers on every
 * response (errors included) and the request id echoed back. Errors Fastify raises before a
 * route runs (malformed JSON, body too large) need nothing here: Nest's Fastify adapter hands
 * them to the same exception filter as everything else, so they are problem+json too.
 */
export async function configureHttpEdge(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI (gateway /docs) needs inline styles and data: images, nothing else.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
