import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { type DataDirLock, lockDataDir } from '#atlas/bootstrap';
import { envVar, parseConfig } from '#atlas/config';
import { type EmbeddedPostgres, openDataSource, startEmbeddedPostgres } from '#atlas/persistence';
import { ordersTables } from '../orders.persistence.js';
import { OrderProjectionStore } from '../read-model/order-projection.store.js';
import { OrderReadModelRebuild } from '../read-model/order-read-model.rebuild.js';

/**
 * `npm run orders:rebuild-read-model`: drops the orders read model and projects it again from
 * the event store. Run it after changing the projection, or to repair a damaged read model.
 *
 * Distributed mode: the orders database, DATABASE_URL (or ATLAS_POSTGRES_URL plus
 * /atlas_orders, as `npm run start:distributed` names it; both may come from .env), while the
 * service keeps running: readers see the old views until the new ones commit.
 * Embedded mode (neither set): the orders database under ATLAS_DATA_DIR (.atlas/data), while
 * `npm start` is stopped, since PGlite serves one process.
 */
const config = parseConfig(
  'orders:rebuild-read-model',
  z.object({
    DATABASE_URL: envVar
      .url('postgres://postgres@127.0.0.1:5432/atlas_orders', ['postgres', 'postgresql'])
      .optional(),
    ATLAS_POSTGRES_URL: envVar
      .url('postgres://postgres@127.0.0.1:5432', ['postgres', 'postgresql'])
      .optional(),
    ATLAS_DATA_DIR: z
      .string()
      .min(1)
      .default('.atlas/data')
      .describe('embedded mode’s data folder'),
  }),
  process.env,
);

// The report below is the output; the libraries' progress lines would only bury it.
Logger.overrideLogger(['error', 'warn']);

let lock: DataDirLock | undefined;
let embedded: EmbeddedPostgres | undefined;
let url = config.DATABASE_URL;
if (!url && config.ATLAS_POSTGRES_URL) {
  url = `${config.ATLAS_POSTGRES_URL.replace(/\/+$/, '')}/atlas_orders`;
}
if (!url) {
  const dataDir = resolve(config.ATLAS_DATA_DIR);
  if (!existsSync(join(dataDir, 'orders'))) {
    process.stderr.write(
      `orders:rebuild-read-model: set DATABASE_URL to the orders database (distributed mode), ` +
        `or ATLAS_DATA_DIR to embedded mode's data folder (${dataDir} has no orders database)\n`,
    );
    process.exit(2);
  }
  try {
    lock = lockDataDir(dataDir, 'npm run orders:rebuild-read-model');
  } catch (error) {
    process.stderr.write(
      `orders:rebuild-read-model: ${String(error instanceof Error ? error.message : error)}\n`,
    );
    process.exit(1);
  }
  embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'orders') });
  url = embedded.url;
}

const dataSource = await openDataSource({
  service: 'orders',
  url,
  poolMax: 1,
  ...ordersTables,
});
try {
  const started = Date.now();
  const report = await new OrderReadModelRebuild(dataSource, new OrderProjectionStore()).rebuild();
  process.stdout.write(
    `Rebuilt the orders read model from ${report.events} events: ${report.orders} ` +
      `order${report.orders === 1 ? '' : 's'} (${report.removed} views replaced) in ` +
      `${Date.now() - started} ms.\n`,
  );
} finally {
  await dataSource.destroy();
  await embedded?.stop();
  lock?.release();
}
