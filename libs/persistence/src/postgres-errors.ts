import { QueryFailedError } from 'typeorm';

/** SQLSTATE codes the services act on. */
export const PG_UNIQUE_VIOLATION = '23505';

/** The PostgreSQL SQLSTATE of a failed query, if it is one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError: unknown = error.driverError;
  if (typeof driverError !== 'object' || driverError === null || !('code' in driverError)) {
    return undefined;
  }
  return typeof driverError.code === 'string' ? driverError.code : undefined;
}

/** A unique constraint refused the row: the thing already exists, or someone won a race. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === PG_UNIQUE_VIOLATION;
}
