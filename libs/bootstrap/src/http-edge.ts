import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER } from '#atlas/http';
import { ShutdownState } from '#atlas/observability';

/**
 * What every app's HTTP server does regardless of its routes: security headers on every
 * response (errors included), the request id echoed back, JSON as the only body format, and
 * connections closed after each response once shutdown has begun. Errors Fastify raises before a
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
  const shutdown = app.get(ShutdownState);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // Keep-alive connections would hold the server open for Fastify's 72 s keep-alive after
    // their last in-flight request: during shutdown each response tells the client to go.
    if (shutdown.isShuttingDown) reply.header('connection', 'close');
  });
  // The APIs speak JSON; anything else is refused with 415 instead of parsed as a string.
  // A route that takes uploads registers its own parser (multipart).
  fastify.removeContentTypeParser('text/plain');
}
