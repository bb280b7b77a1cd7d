import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source-options.js';
import { ensureDatabaseExists } from './ensure-database.js';
import { runPendingMigrations } from './migrations.runner.js';
import type { PersistenceOptions } from './persistence.options.js';

/**
 * A ready data source for a service: its database created if missing, connected, and every
 * migration applied. `PersistenceModule` calls this before the app serves; scripts and tests
 * that need a database without Nest can call it directly (and `destroy()` the result).
 */
export async function openDataSource(options: PersistenceOptions): Promise<DataSource> {
  const dataSourceOptions = createDataSourceOptions(options);
  await ensureDatabaseExists(options.url, { connectTimeoutMs: options.connectTimeoutMs });
  const dataSource = new DataSource(dataSourceOptions);
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource, options.service);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
