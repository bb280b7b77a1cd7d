import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { CacheModule } from '#atlas/cache';
import {
  InboxMessage,
  MessagingModule,
  OutboxMessage,
  messagingMigrations,
} from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import type { CatalogConfig } from './catalog.config.js';
import { CreateCatalogTables1764100000000 } from './migrations/1764100000000-create-catalog-tables.js';
import { DemoCatalogSeeder, SEED_DEMO_CATALOG } from './products/demo-catalog.seeder.js';
import { Product } from './products/product.entity.js';
import { ProductsController } from './products/products.controller.js';
import { PRODUCT_CACHE_TTL_MS, ProductsService } from './products/products.service.js';
import { StockReservation } from './stock/stock-reservation.entity.js';
import { StockHandlers } from './stock/stock.handlers.js';
import { StockService } from './stock/stock.service.js';

/** Products, their stock, and the saga steps that reserve and release it. */
@Module({})
export class CatalogModule {
  static register(config: CatalogConfig, context: ServiceContext): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'catalog',
          ...config.database,
          entities: [Product, StockReservation, OutboxMessage, InboxMessage],
          migrations: [...messagingMigrations, CreateCatalogTables1764100000000],
        }),
        MessagingModule.forService({ service: 'catalog', broker: brokerOf(context) }),
        CacheModule.forRoot({ ...config.cache, keyPrefix: 'catalog' }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [ProductsController, StockHandlers],
      providers: [
        { provide: PRODUCT_CACHE_TTL_MS, useValue: config.cacheTtlMs },
        { provide: SEED_DEMO_CATALOG, useValue: config.seedDemo },
        ProductsService,
        StockService,
        DemoCatalogSeeder,
      ],
    };
  }
}
