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
import { API_SECURITY_HEADERS, PAGE_SECURITY_HEADERS } from './security-headers.js';

/**
 * What every app's HTTP server does regardless of its routes: security headers on every
 * response (errors included; see security-headers.ts), the request id echoed back, JSON as the only body format, and
 * connections closed after each response once shutdown has begun. Errors Fastify raises before a
 * route runs (malformed JSON, body too large) need nothing here: Nest's Fastify adapter hands
 * them to the same exception filter as everything else, so they are problem+json too.
 * JSON bodies nested too deep are refused before parsing, and a known path asked with a
 * method it does not take is a 405 with `Allow`.
 */
export function configureHttpEdge(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const shutdown = app.get(ShutdownState);
  // Plain callback hooks, not async functions: they run on every request, and a hook that
  // returns a promise costs one more for nothing.
  fastify.addHook('onRequest', (request, reply, done) => {
    // Set first, so a route (or the service behind the gateway) may still say otherwise,
    // e.g. about caching.
    reply.headers(API_SECURITY_HEADERS);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (String(reply.getHeader('content-type')).startsWith('text/html')) {
      reply.headers(PAGE_SECURITY_HEADERS);
    }
    // Keep-alive connections would hold the server open for Fastify's 72 s keep-alive after
    // their last in-flight request: during shutdown each response tells the client to go.
    if (shutdown.isShuttingDown) reply.header('connection', 'close');
    done(null, payload);
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
  fastify.addHook('onRequest', (request, reply, done) => {
    const methods = request.routeOptions.url === undefined ? allowed.for(request.url) : [];
    if (methods.length === 0) {
      done();
      return;
    }
    const problem = toProblem(
      new AppError(
        'HTTP.METHOD_NOT_ALLOWED',
        405,
        `${request.method} is not allowed here; use ${methods.join(', ')}.`,
      ),
      { instance: request.url.split('?')[0], traceId: request.id },
    );
    // Answering from a callback hook: the reply is sent and `done` is not called.
    void reply
      .status(405)
      .header('allow', methods.join(', '))
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem);
  });
}
