import type { DataSource, EntityManager } from 'typeorm';

export interface RecordedQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** An EntityManager that records its queries; `inTransaction` is what OutboxService checks. */
export function fakeEntityManager(inTransaction: boolean): EntityManager & {
  readonly queries: RecordedQuery[];
} {
  const queries: RecordedQuery[] = [];
  const manager = {
    queries,
    queryRunner: { isTransactionActive: inTransaction },
    query: async (sql: string, parameters: unknown[] = []) => {
      queries.push({ sql, parameters });
      return [];
    },
  };
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- a fake of the members used
  return manager as unknown as EntityManager & { readonly queries: RecordedQuery[] };
}

/**
 * A DataSource whose `transaction` just runs the callback, counting open transactions, so a
 * test can check that nothing asks for a second connection while one is open.
 */
export function fakeDataSource(): DataSource & { readonly openTransactions: () => number } {
  let open = 0;
  const dataSource = {
    manager: fakeEntityManager(false),
    subscribers: [],
    openTransactions: () => open,
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      open++;
      try {
        return await work(fakeEntityManager(true));
      } finally {
        open--;
      }
    },
  };
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- a fake of the members used
  return dataSource as unknown as DataSource & { readonly openTransactions: () => number };
}
