import { describe, expect, it } from '@jest/globals';
import { databaseNameOf, describeDatabaseUrl, withDatabase } from './database-url.js';

describe('database URLs', () => {
  const url = 'postgres://atlas:s3cret@db.internal:6543/orders?sslmode=require';

  it('describes a URL for logs without its credentials', () => {
    expect(describeDatabaseUrl(url)).toBe('db.internal:6543/orders');
    expect(describeDatabaseUrl('postgres://u@localhost/x')).toBe('localhost:5432/x');
  });

  it('points the same server and credentials at another database', () => {
    expect(withDatabase(url, 'postgres')).toBe(
      'postgres://atlas:s3cret@db.internal:6543/postgres?sslmode=require',
    );
    expect(databaseNameOf(withDatabase(url, 'my db'))).toBe('my db');
  });

  it('asks for a database name when the URL has none', () => {
    expect(() => databaseNameOf('postgres://atlas:s3cret@db.internal:6543')).toThrow(
      /names no database; end it with \/<database>/,
    );
    expect(() => databaseNameOf('postgres://atlas:s3cret@db.internal:6543')).not.toThrow(/s3cret/);
  });
});
