import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import {
  AllowedMethods,
  AppError,
  assertJsonDepth,
  PROBLEM_CONTENT_TYPE,
  REQUEST_ID_HEADER,
  toProblem,
} from '#atlas/http';
import { ShutdownState } from '#atlas/observability';

/**
 * What every app's HTTP server does regardless of its routes: security headers on every
 * response (errors included), the request id echoed back, JSON as the only body format, and
 * connections closed after each response once shutdown has begun. Errors Fastify raises before a
 * route runs (malformed JSON, body too large) need nothing here: Nest's Fastify adapter hands
 * them to the same exception filter as everything else, so they are problem+json too.
 * JSON bodies nested too deep are refused before parsing, and a known path asked with a
 * method it does not take is a 405 with `Allow`.
 */
export async function configureHttpEdge(
  app: NestFastifyApplication,
  bodyLimit: number,
): Promise<void> {
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
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit }, (request, body, done) => {
    assertJsonDepth(body);
    void parseJson(request, body.toString('utf8'), done);
  });
  answerWrongMethods(app);
}

/** 405 with `Allow` for a path that exists under other methods (Fastify alone says 404). */
function answerWrongMethods(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const allowed = new AllowedMethods();
  fastify.addHook('onRoute', (route) => allowed.add(route.method, route.url ?? route.path));
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== undefined) return;
    const methods = allowed.for(request.url);
    if (methods.length === 0) return;
    const problem = toProblem(
      new AppError(
        'HTTP.METHOD_NOT_ALLOWED',
        405,
        `${request.method} is not allowed here; use ${methods.join(', ')}.`,
      ),
      { instance: request.url.split('?')[0], traceId: request.id },
    );
    await reply
      .status(405)
      .header('allow', methods.join(', '))
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem);
  });
}
