import { describe, expect, it } from '@jest/globals';
import type { MigrationInterface } from 'typeorm';
import { createDataSourceOptions } from './data-source-options.js';
import type { PersistenceOptions } from './persistence.options.js';

const base: PersistenceOptions = {
  service: 'orders',
  url: 'postgres://atlas@127.0.0.1:5432/orders',
  poolMax: 10,
  entities: [],
  migrations: [],
};
const optionsFor = (overrides: Partial<PersistenceOptions> = {}) => {
  const options = createDataSourceOptions({ ...base, ...overrides });
  if (options.type !== 'postgres') throw new Error(`expected postgres, got ${options.type}`);
  return options;
};

describe('createDataSourceOptions', () => {
  it('never derives the schema from entities and runs migrations one transaction each', () => {
    const options = optionsFor();

    expect(options).toMatchObject({
      type: 'postgres',
      synchronize: false,
      migrationsTransactionMode: 'each',
      installExtensions: false,
      applicationName: 'atlas-orders',
    });
  });

  it('bounds how long a query waits for a connection', () => {
    expect(optionsFor().connectTimeoutMS).toBe(10_000);
    expect(optionsFor({ connectTimeoutMs: 750 }).connectTimeoutMS).toBe(750);
    expect(optionsFor({ poolMax: 3 }).poolSize).toBe(3);
  });

  it("keeps a pool of one's connection open, since the embedded server admits one at a time", () => {
    expect(optionsFor({ poolMax: 1 }).extra).toEqual({ idleTimeoutMillis: 0 });
    expect(optionsFor({ poolMax: 10 }).extra).toEqual({});
  });

  it("holds the libraries' tables beside the service's own", () => {
    class Order {}
    class OutboxRow {}
    class CreateOrders1764100000000 implements MigrationInterface {
      async up(): Promise<void> {}
      async down(): Promise<void> {}
    }
    class CreateOutbox1764000000000 implements MigrationInterface {
      async up(): Promise<void> {}
      async down(): Promise<void> {}
    }

    const options = optionsFor({
      entities: [Order],
      migrations: [CreateOrders1764100000000],
      libraryTables: [{ entities: [OutboxRow], migrations: [CreateOutbox1764000000000] }],
    });

    expect(options.entities).toEqual([Order, OutboxRow]);
    expect(options.migrations).toEqual([CreateOutbox1764000000000, CreateOrders1764100000000]);
  });

  it('rejects a pool size that cannot work, saying what to pass', () => {
    expect(() => optionsFor({ poolMax: 0 })).toThrow(/poolMax .* at least 1, got 0/);
    expect(() => optionsFor({ poolMax: 2.5 })).toThrow(RangeError);
  });
});
