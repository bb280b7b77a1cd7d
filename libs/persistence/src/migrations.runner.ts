import { Logger } from '@nestjs/common';
import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { PersistenceError } from './persistence.error.js';

// Session advisory locks are per database, so one constant key serializes the replicas of one
// service without touching other services' databases.
const MIGRATION_LOCK = `SELECT pg_advisory_lock(hashtext('atlas:migrations'))`;
const MIGRATION_UNLOCK = `SELECT pg_advisory_unlock(hashtext('atlas:migrations'))`;

/**
 * Applies the data source's pending migrations, each in its own transaction, and returns the
 * names of those it applied (none when the database is up to date).
 *
 * TypeORM's own `migrationsRun` takes no lock, so two replicas starting together would both
 * run the same migration and one would fail half-way. Here the replicas queue on an advisory
 * lock and the later ones find nothing left to do. The lock, the bookkeeping and every
 * migration share one connection, which is also what a pool of one (PGlite) requires.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  service: string,
): Promise<string[]> {
  const logger = new Logger(`Persistence:${service}`);
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query(MIGRATION_LOCK);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'each';
    const pending = await executor.getPendingMigrations();
    try {
      const applied = await executor.executePendingMigrations();
      for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
      return applied.map((migration) => migration.name);
    } catch (error) {
      const failed = await firstUnapplied(
        executor,
        pending.map((m) => m.name),
      );
      throw new PersistenceError(
        'PERSISTENCE.MIGRATION_FAILED',
        `Migration ${failed ?? '(unknown)'} of service "${service}" failed and was rolled back; ` +
          `the migrations before it stay applied. Cause: ${messageOf(error)}. Fix the ` +
          `migration (or the data it trips on) and start the service again.`,
        { cause: error },
      );
    }
  } finally {
    await unlock(queryRunner, logger);
    await queryRunner.release();
  }
}

async function firstUnapplied(
  executor: MigrationExecutor,
  pending: readonly string[],
): Promise<string | undefined> {
  try {
    const executed = new Set((await executor.getExecutedMigrations()).map((m) => m.name));
    return pending.find((name) => !executed.has(name));
  } catch {
    return undefined;
  }
}

async function unlock(queryRunner: QueryRunner, logger: Logger): Promise<void> {
  try {
    await queryRunner.query(MIGRATION_UNLOCK);
  } catch (error) {
    // Unlocking fails only when the connection broke; the pool discards a broken connection,
    // and the lock ended with its session.
    logger.warn(`Could not release the migration lock: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
