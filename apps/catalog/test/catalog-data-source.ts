import { DataSource } from 'typeorm';
import { messagingTables } from '#atlas/messaging';
import { ImportJobRecord } from '../src/imports/import-job.entity.js';
import { CreateCatalogTables1764100000000 } from '../src/migrations/1764100000000-create-catalog-tables.js';
import { AddCatalogAdminTables1764200000000 } from '../src/migrations/1764200000000-add-catalog-admin-tables.js';
import { Product } from '../src/products/product.entity.js';
import { StockReservation } from '../src/stock/stock-reservation.entity.js';

/** The catalog's schema, migrated, on a test database (PGlite serves one connection). */
export async function openCatalogDataSource(
  url: string,
  kind: 'real' | 'embedded',
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [Product, StockReservation, ImportJobRecord, ...messagingTables.entities],
    migrations: [
      ...messagingTables.migrations,
      CreateCatalogTables1764100000000,
      AddCatalogAdminTables1764200000000,
    ],
    poolSize: kind === 'embedded' ? 1 : 5,
    logging: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}
