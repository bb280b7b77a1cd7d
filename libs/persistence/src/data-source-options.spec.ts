import { describe, expect, it } from '@jest/globals';
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

  it('rejects a pool size that cannot work, saying what to pass', () => {
    expect(() => optionsFor({ poolMax: 0 })).toThrow(/poolMax .* at least 1, got 0/);
    expect(() => optionsFor({ poolMax: 2.5 })).toThrow(RangeError);
  });
});
