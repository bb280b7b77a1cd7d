import { describe, expect, it } from '@jest/globals';
import { runDatabasePrefix, testDatabaseName } from './database-names.js';

describe('testDatabaseName', () => {
  it('starts with the run prefix, so the teardown can find what a run left behind', () => {
    expect(testDatabaseName('a1b2c3', 'orders')).toMatch(/^atlas_test_a1b2c3_orders_[0-9a-f]{8}$/);
    expect(testDatabaseName('a1b2c3', 'orders').startsWith(runDatabasePrefix('a1b2c3'))).toBe(true);
  });

  it('gives two databases with the same prefix different names', () => {
    expect(testDatabaseName('run', 'orders')).not.toBe(testDatabaseName('run', 'orders'));
  });

  it('turns any prefix into a short identifier PostgreSQL will not truncate', () => {
    const name = testDatabaseName('run', `Order-Read.Model ${'x'.repeat(80)}`);

    expect(name).toMatch(/^atlas_test_run_order_read_model_x+_[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});
