import { afterEach, describe, expect, it } from '@jest/globals';
import {
  databaseExists,
  missingTestDatabase,
  type MissingDatabase,
} from '../test/test-databases.js';
import { ensureDatabaseExists } from './ensure-database.js';
import { PersistenceError } from './persistence.error.js';

describe('ensureDatabaseExists (PostgreSQL)', () => {
  const databases: MissingDatabase[] = [];
  const fresh = () => {
    const database = missingTestDatabase('atlas-ensure');
    databases.push(database);
    return database;
  };
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((database) => database.drop()));
  });

  it('creates the database when it is missing (its name quoted: it has dashes)', async () => {
    const database = fresh();
    expect(await databaseExists(database.name)).toBe(false);

    await expect(ensureDatabaseExists(database.url)).resolves.toBe(true);

    expect(await databaseExists(database.name)).toBe(true);
  });

  it('leaves an existing database alone', async () => {
    const database = fresh();
    await ensureDatabaseExists(database.url);

    await expect(ensureDatabaseExists(database.url)).resolves.toBe(false);
  });

  it('lets many processes race to create the same database, and exactly one creates it', async () => {
    const database = fresh();

    const created = await Promise.all(
      Array.from({ length: 8 }, () => ensureDatabaseExists(database.url)),
    );

    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists(database.name)).toBe(true);
  });

  it('says which server it could not reach, without the password', async () => {
    const attempt = ensureDatabaseExists('postgres://atlas:s3cret@127.0.0.1:1/orders', {
      connectTimeoutMs: 2_000,
    });

    await expect(attempt).rejects.toThrow(PersistenceError);
    await expect(attempt).rejects.toMatchObject({
      code: 'PERSISTENCE.DATABASE_UNREACHABLE',
      message: expect.stringContaining('127.0.0.1:1/orders'),
    });
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});
