import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CacheModule } from '#atlas/cache';
import { SecurityModule } from '#atlas/security';
import type { GatewayConfig } from './gateway.config.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { GraphqlExecutor } from './graphql/graphql.executor.js';
import { GraphqlRoutes } from './graphql/graphql.routes.js';
import { ClientRateLimiter } from './rate-limit/client-rate-limiter.js';
import { CredentialRateLimitGuard } from './rate-limit/credential-rate-limit.guard.js';
import { LiveConnections } from './live/live-connections.js';
import { LiveSocketRoutes } from './live/live-socket.routes.js';
import { LiveUpdatesHub } from './live/live-updates.hub.js';
import { LiveWebSocketServer } from './live/live-websocket.server.js';
import { OrderAccess } from './live/order-access.js';
import { OrderStreamRoutes } from './live/order-stream.routes.js';
import { OrderWatches } from './live/order-watches.js';
import { ForwardingRoutes } from './routes/forwarding.routes.js';
import { ProviderWebhookRoutes } from './routes/provider-webhook.routes.js';
import { GATEWAY_CONFIG, UpstreamClient } from './upstream/upstream.client.js';

/**
 * The only public edge. It owns no data: it authenticates, validates and rate-limits, then
 * hands each request to the service that owns it. Services verify tokens again, so one that
 * is reached directly, around the gateway, is just as closed.
 */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CacheModule.forRoot({ ...config.cache, keyPrefix: 'gateway' }),
        SecurityModule.forRoot(config.tokens),
      ],
      // The operations of the route table (routes/gateway-routes.ts): those that forward, generated
      // from it, and the hand-written ones that do more.
      controllers: [
        ForwardingRoutes,
        ProviderWebhookRoutes,
        OrderStreamRoutes,
        LiveSocketRoutes,
        GraphqlRoutes,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        UpstreamClient,
        GatewayMetrics,
        // Every request: per user with a valid token, per client IP otherwise.
        ClientRateLimiter,
        // Live order status (SSE and WebSocket), fanned out to every replica over pub/sub.
        LiveUpdatesHub,
        LiveConnections,
        OrderAccess,
        OrderWatches,
        LiveWebSocketServer,
        // GraphQL at /graphql: the REST routes' authentication on demand, a batcher per request.
        GraphqlExecutor,
        // Per-IP limits on the routes marked @LimitPerClientIp (login, MFA, refresh, ...).
        { provide: APP_GUARD, useClass: CredentialRateLimitGuard },
      ],
    };
  }
}
