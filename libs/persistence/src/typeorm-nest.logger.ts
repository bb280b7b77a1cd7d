import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * Sends what TypeORM has to say through Nest's logger (and so through the app's structured
 * logger) instead of the console: migrations at `log`, pool warnings at `warn`.
 */
export class TypeOrmNestLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(): void {
    // Query logging belongs to tracing (the pg instrumentation), not to log lines.
  }

  logQueryError(): void {
    // The caller receives the error and decides; a unique violation the service turns into a
    // 409 is not worth an error line of its own.
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query}`);
  }

  // The migrations runner logs each applied migration and raises a failure with its name, so
  // TypeORM's running commentary is only for whoever turns on verbose logging.
  logSchemaBuild(message: string): void {
    this.logger.verbose(message);
  }

  logMigration(message: string): void {
    this.logger.verbose(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
