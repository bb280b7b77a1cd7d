import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PersistenceError } from './persistence.error.js';

const TIMEOUT_MS = 2_000;

/**
 * Readiness of the service's database: `SELECT 1` through the service's own pool, so a pool
 * that is exhausted or a server that stopped answering both make the service not ready.
 */
@Injectable()
export class DatabaseHealthCheck {
  readonly name = 'database';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    if (!this.dataSource.isInitialized) {
      throw new PersistenceError(
        'PERSISTENCE.UNHEALTHY',
        'The database connection is closed (the data source is not initialized); the app is ' +
          'starting or shutting down.',
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PersistenceError(
              'PERSISTENCE.UNHEALTHY',
              `The database did not answer SELECT 1 within ${TIMEOUT_MS} ms: the server is ` +
                'overloaded or unreachable, or every pooled connection is busy.',
            ),
          ),
        TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } catch (error) {
      if (error instanceof PersistenceError) throw error;
      throw new PersistenceError(
        'PERSISTENCE.UNHEALTHY',
        `The database failed SELECT 1: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
