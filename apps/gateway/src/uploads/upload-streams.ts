import type { FastifyInstance } from 'fastify';

/**
 * Largest upload the gateway passes on, whatever the route: a coarse bound against a client
 * streaming without end. Each service enforces its own, exact limit (catalog: 5 MiB images).
 */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/**
 * Lets multipart/form-data through unparsed: the upload routes stream the raw request to the
 * service that owns it, so the gateway never holds a whole file in memory.
 */
export function acceptUploadStreams(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => {
    done(null, undefined);
  });
}
