import { DataSource } from 'typeorm';
import { messagingTables } from '../src/messaging-tables.js';
import { CreateWidgetEffects1764000000001 } from './widget-effects.migration.js';

/**
 * A migrated DataSource on the given database. PGlite serves one connection, so there the
 * pool must be exactly one (see startEmbeddedPostgres in #atlas/persistence).
 */
export async function openTestDataSource(
  url: string,
  kind: 'real' | 'embedded',
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...messagingTables.entities],
    migrations: [...messagingTables.migrations, CreateWidgetEffects1764000000001],
    poolSize: kind === 'embedded' ? 1 : 5,
    logging: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

export async function effectsOf(dataSource: DataSource, eventId: string): Promise<number> {
  const rows: { count: string }[] = await dataSource.query(
    'SELECT count(*) AS count FROM widget_effects WHERE event_id = $1',
    [eventId],
  );
  return Number(rows[0]?.count ?? 0);
}
