import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { CacheModule } from '#atlas/cache';
import { MessagingModule, messagingTables } from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import type { CatalogConfig } from './catalog.config.js';
import { ImageStorage } from './images/image.storage.js';
import { LocalDiskImageStorage } from './images/local-disk.image-storage.js';
import { IMAGE_MAX_BYTES, ProductImagesController } from './images/product-images.controller.js';
import { ProductImagesService } from './images/product-images.service.js';
import { ImportJobRecord } from './imports/import-job.entity.js';
import {
  DEFAULT_IMPORT_WORKER,
  ImportWorkerSettings,
  ImportJobWorker,
} from './imports/import-job.worker.js';
import { ImportJobsService } from './imports/import-jobs.service.js';
import { JobsController } from './imports/jobs.controller.js';
import { ProductImportController } from './imports/product-import.controller.js';
import { CreateCatalogTables1764100000000 } from './migrations/1764100000000-create-catalog-tables.js';
import { AddCatalogAdminTables1764200000000 } from './migrations/1764200000000-add-catalog-admin-tables.js';
import { DemoCatalogSeeder, SEED_DEMO_CATALOG } from './products/demo-catalog.seeder.js';
import { PRODUCT_CACHE_TTL_MS, ProductCache } from './products/product-cache.js';
import { ProductChangedHandler } from './products/product-changed.handler.js';
import { Product } from './products/product.entity.js';
import { ProductsController } from './products/products.controller.js';
import { ProductsService } from './products/products.service.js';
import { StockReservation } from './stock/stock-reservation.entity.js';
import { StockHandlers } from './stock/stock.handlers.js';
import { StockService } from './stock/stock.service.js';

/** Products, their stock, images and imports, and the saga steps that reserve stock. */
@Module({})
export class CatalogModule {
  static register(config: CatalogConfig, context: ServiceContext): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'catalog',
          ...config.database,
          entities: [Product, StockReservation, ImportJobRecord],
          migrations: [CreateCatalogTables1764100000000, AddCatalogAdminTables1764200000000],
          libraryTables: [messagingTables],
        }),
        MessagingModule.forService({ service: 'catalog', broker: brokerOf(context) }),
        CacheModule.forRoot({ ...config.cache, keyPrefix: 'catalog' }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [
        // The import route before ProductsController's `:id` routes, so "import" is not an id.
        ProductImportController,
        ProductsController,
        ProductImagesController,
        JobsController,
        StockHandlers,
        ProductChangedHandler,
      ],
      providers: [
        { provide: PRODUCT_CACHE_TTL_MS, useValue: config.cacheTtlMs },
        { provide: SEED_DEMO_CATALOG, useValue: config.seedDemo },
        { provide: IMAGE_MAX_BYTES, useValue: config.images.maxBytes },
        { provide: ImportWorkerSettings, useValue: DEFAULT_IMPORT_WORKER },
        {
          provide: ImageStorage,
          useFactory: () => LocalDiskImageStorage.open(config.images.directory),
        },
        ProductCache,
        ProductsService,
        ProductImagesService,
        ImportJobsService,
        ImportJobWorker,
        StockService,
        DemoCatalogSeeder,
      ],
    };
  }
}
