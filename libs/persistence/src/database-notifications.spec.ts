import { describe, expect, it } from '@jest/globals';
import { DatabaseNotifications } from './database-notifications.js';

describe('DatabaseNotifications', () => {
  it('does nothing on a one-session database (embedded mode): no second connection', async () => {
    // Nothing listens on port 1: any connection attempt would fail ready().
    const notifications = new DatabaseNotifications({
      service: 'embedded',
      url: 'postgres://postgres@127.0.0.1:1/postgres',
      poolMax: 1,
    });
    expect(notifications.acrossProcesses).toBe(false);
    const stop = notifications.listen('atlas_work', () => undefined);
    notifications.announce('atlas_work');
    await expect(notifications.ready()).resolves.toBeUndefined();
    stop();
    await notifications.onApplicationShutdown();
  });

  it.each([
    'work',
    'atlas_',
    'atlas_work; DROP TABLE orders',
    'atlas_Work',
    `atlas_${'x'.repeat(41)}`,
  ])('refuses the channel name %j, which would be spliced into LISTEN', (channel) => {
    const notifications = new DatabaseNotifications({
      service: 'orders',
      url: 'postgres://postgres@127.0.0.1:1/postgres',
      poolMax: 5,
    });
    expect(() => notifications.listen(channel, () => undefined)).toThrow(RangeError);
    expect(() => notifications.announce(channel)).toThrow(RangeError);
  });
});
