import { describe, expect, it } from '@jest/globals';
import { DatabaseError } from 'pg';
import { PersistenceError } from './persistence.error.js';
import { isTransientConnectionError } from './transient-connection-error.js';

const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const sqlError = (code: string) =>
  Object.assign(new DatabaseError('server said no', 1, 'error'), { code });

describe('isTransientConnectionError', () => {
  it('retries a server that is not listening yet, also behind wrappers and dual-stack lookups', () => {
    expect(isTransientConnectionError(networkError('ECONNREFUSED'))).toBe(true);
    const wrapped = new PersistenceError('PERSISTENCE.DATABASE_UNREACHABLE', 'unreachable', {
      cause: new AggregateError([networkError('ECONNREFUSED'), networkError('ECONNREFUSED')]),
    });
    expect(isTransientConnectionError(wrapped)).toBe(true);
  });

  it('retries a server that is starting up or full', () => {
    expect(isTransientConnectionError(sqlError('57P03'))).toBe(true);
    expect(isTransientConnectionError(sqlError('53300'))).toBe(true);
  });

  it('does not retry what will fail the same way again', () => {
    expect(isTransientConnectionError(sqlError('28P01'))).toBe(false); // wrong password
    expect(isTransientConnectionError(sqlError('42P01'))).toBe(false); // migration's bad SQL
    expect(
      isTransientConnectionError(new PersistenceError('PERSISTENCE.MIGRATION_FAILED', 'broken')),
    ).toBe(false);
    expect(isTransientConnectionError('not even an error')).toBe(false);
  });
});
