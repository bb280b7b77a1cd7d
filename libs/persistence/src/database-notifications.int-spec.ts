import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, eventually, TcpProxy, type TestDatabase } from '#atlas/testing';
import { DatabaseNotifications } from './database-notifications.js';

const WORK = 'atlas_test_work';
const DONE = 'atlas_test_done';

/** A listener that counts its calls. */
function counter(): { (): void; calls: number } {
  const count = Object.assign(() => void count.calls++, { calls: 0 });
  return count;
}

describe('DatabaseNotifications (real PostgreSQL)', () => {
  let database: TestDatabase;
  const opened: DatabaseNotifications[] = [];
  const instance = (url = database.url) => {
    const notifications = new DatabaseNotifications({ service: 'notify', url, poolMax: 2 });
    opened.push(notifications);
    return notifications;
  };

  beforeAll(async () => {
    database = await createTestDatabase('notify');
    if (database.kind !== 'real') {
      throw new Error('LISTEN/NOTIFY across connections needs a real PostgreSQL server');
    }
  });
  afterEach(async () => {
    await Promise.all(
      opened.splice(0).map((notifications) => notifications.onApplicationShutdown()),
    );
  });
  afterAll(() => database?.drop());

  it("wakes another instance's listeners and skips the announcer's own", async () => {
    const announcer = instance();
    const other = instance();
    const ownWork = counter();
    const ownDone = counter();
    const otherWork = counter();
    announcer.listen(WORK, ownWork);
    announcer.listen(DONE, ownDone);
    other.listen(WORK, otherWork);
    await Promise.all([announcer.ready(), other.ready()]);

    announcer.announce(WORK);
    await eventually(() => expect(otherWork.calls).toBe(1));
    // Notifications reach a connection in commit order: once the announcer hears the other's
    // DONE, its own WORK (sent before it) would have arrived too, had it not been skipped.
    other.announce(DONE);
    await eventually(() => expect(ownDone.calls).toBe(1));
    expect(ownWork.calls).toBe(0);
  });

  it('sends one notification for many announcements in one turn of the event loop', async () => {
    const announcer = instance();
    const other = instance();
    const work = counter();
    const done = counter();
    other.listen(WORK, work);
    other.listen(DONE, done);
    await other.ready();

    for (let commit = 0; commit < 5; commit++) announcer.announce(WORK);
    await eventually(() => expect(work.calls).toBe(1));
    await new Promise((resolve) => setImmediate(resolve));
    announcer.announce(DONE);
    await eventually(() => expect(done.calls).toBe(1));
    expect(work.calls).toBe(1);
  });

  it('stops calling a listener once it has been removed', async () => {
    const announcer = instance();
    const other = instance();
    const removed = counter();
    const kept = counter();
    const stop = other.listen(WORK, removed);
    other.listen(WORK, kept);
    await other.ready();
    stop();
    announcer.announce(WORK);
    await eventually(() => expect(kept.calls).toBe(1));
    expect(removed.calls).toBe(0);
  });

  it('listens again after losing its connection, and looks once since it may have missed some', async () => {
    const server = new URL(database.url);
    const proxy = new TcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.start();
    const throughProxy = new URL(database.url);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    const listener = instance(throughProxy.toString());
    const announcer = instance();
    const work = counter();
    listener.listen(WORK, work);
    await listener.ready();

    try {
      await proxy.stop();
      announcer.announce(WORK); // lost: nobody listens while the connection is down
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(work.calls).toBe(0);
      await proxy.start();
      // The catch-up call after reconnecting, with LISTEN in place again.
      await eventually(() => expect(work.calls).toBe(1));
      announcer.announce(WORK);
      await eventually(() => expect(work.calls).toBe(2));
    } finally {
      await proxy.stop();
    }
  });
});
