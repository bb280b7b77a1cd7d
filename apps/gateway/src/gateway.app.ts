import { defineService } from '#atlas/bootstrap';
import { CacheHealthCheck } from '#atlas/cache';
import { serveApiDocs } from './docs/api-docs.js';
import { parseGatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { acceptUploadStreams } from './uploads/upload-streams.js';

export const gatewayApp = defineService({
  name: 'gateway',
  parseConfig: parseGatewayConfig,
  module: (config) => GatewayModule.register(config),
  // Ready when the gateway itself can work; a service being down is answered per route
  // (502), not by taking the whole edge out of the load balancer.
  readiness: [CacheHealthCheck],
  http: (config) => ({ trustProxy: config.trustedProxies }),
  // Signed webhooks are forwarded byte for byte (payments.routes.ts).
  rawBody: true,
  configure: (app, config) => {
    const allowedOrigins = new Set(config.corsOrigins);
    app.enableCors({
      // CORS headers only for an allow-listed Origin: a call from anywhere else (or from no
      // browser at all) gets none, instead of the credentials and exposed-headers lines on
      // every answer.
      origin: (
        origin: string | undefined,
        answer: (error: Error | null, allow: string | false) => void,
      ) => answer(null, origin !== undefined && allowedOrigins.has(origin) ? origin : false),
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
    });
    acceptUploadStreams(app.getHttpAdapter().getInstance());
    if (config.docsEnabled) serveApiDocs(app);
  },
});
