import { defineService } from '#atlas/bootstrap';
import { CacheHealthCheck, RateLimitStore } from '#atlas/cache';
import { serveApiDocs } from './docs/api-docs.js';
import { parseGatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { BearerUser } from './rate-limit/bearer-user.js';
import { limitClientRate } from './rate-limit/client-rate-limit.js';
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
    app.enableCors({
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
    });
    const metrics = app.get(GatewayMetrics);
    limitClientRate(app.getHttpAdapter().getInstance(), app.get(RateLimitStore), {
      ...config.rateLimit,
      userOf: app.get(BearerUser).of,
      onRejected: (policy) => metrics.rateLimited(policy),
    });
    acceptUploadStreams(app.getHttpAdapter().getInstance());
    if (config.docsEnabled) serveApiDocs(app);
  },
});
