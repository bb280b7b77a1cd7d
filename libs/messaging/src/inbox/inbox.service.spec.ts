import { describe, expect, it } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import { runDelivery } from '../metrics/delivery-outcome.js';
import { InboxService } from './inbox.service.js';

/** A DataSource whose one transaction finds the inbox row already there, or not. */
function dataSourceWhereEventIs(seen: boolean): DataSource {
  const manager = { query: async () => (seen ? [] : [{ event_id: 'e-1' }]) };
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- only transaction() is used
  return {
    transaction: async (work: (m: EntityManager) => Promise<void>) =>
      // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- only query() is used
      work(manager as unknown as EntityManager),
  } as unknown as DataSource;
}

describe('InboxService', () => {
  it('skips an event it has seen and marks the delivery a duplicate', async () => {
    let ran = false;
    const outcome = await runDelivery(() =>
      new InboxService(dataSourceWhereEventIs(true)).processOnce('c', 'e-1', async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(outcome.duplicate).toBe(true);
  });

  it('runs the work of a new event and leaves the delivery counted as applied', async () => {
    let ran = false;
    const outcome = await runDelivery(() =>
      new InboxService(dataSourceWhereEventIs(false)).processOnce('c', 'e-1', async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(true);
    expect(outcome.duplicate).toBe(false);
  });
});
