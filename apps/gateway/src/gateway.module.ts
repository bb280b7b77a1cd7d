import { type DynamicModule, Module } from '@nestjs/common';
import { CacheModule } from '#atlas/cache';
import { SecurityModule } from '#atlas/security';
import type { GatewayConfig } from './gateway.config.js';
import { AuthRoutes } from './routes/auth.routes.js';
import { JwksRoutes } from './routes/jwks.routes.js';
import { NotificationsRoutes } from './routes/notifications.routes.js';
import { OrdersRoutes } from './routes/orders.routes.js';
import { ProductsRoutes } from './routes/products.routes.js';
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
      controllers: [AuthRoutes, JwksRoutes, ProductsRoutes, OrdersRoutes, NotificationsRoutes],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, UpstreamClient],
    };
  }
}
