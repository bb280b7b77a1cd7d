import { describe, expect, it } from '@jest/globals';
import { eventually, gate, type Gate } from '#atlas/testing';
import { PollingWorker, type PollingSettings } from './polling-worker.js';

/** Each pass takes the next planned outcome: a count of items, or an error to throw. */
class PlannedWorker extends PollingWorker<number> {
  readonly started: number[] = [];
  hold: Gate | undefined;
  bootstrapped = 0;
  stopped = 0;

  constructor(
    protected readonly polling: PollingSettings,
    private readonly plan: (number | Error)[],
    private readonly fullBatch = 10,
    database?: { readonly acrossProcesses: boolean },
  ) {
    super('PlannedWorker', 'doing planned work', database);
  }

  async runOnce(): Promise<number> {
    this.started.push(Date.now());
    const hold = this.hold;
    if (hold) await hold.opened;
    const next = this.plan.shift() ?? 0;
    if (next instanceof Error) throw next;
    return next;
  }

  protected hasMore(items: number): boolean {
    return items === this.fullBatch;
  }

  protected override beforeStart(): void {
    this.bootstrapped += 1;
  }

  protected override afterStop(): void {
    this.stopped += 1;
  }
}

const settings = (overrides: Partial<PollingSettings> = {}): PollingSettings => ({
  enabled: true,
  intervalMs: 60_000,
  maxBackoffMs: 60_000,
  ...overrides,
});

describe('PollingWorker', () => {
  it('runs a pass at start, then waits the interval: a second pass needs wake()', async () => {
    const worker = new PlannedWorker(settings(), [1, 1]);
    await worker.onApplicationBootstrap();
    try {
      await eventually(() => expect(worker.started).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(worker.started).toHaveLength(1);
      worker.wake();
      await eventually(() => expect(worker.started).toHaveLength(2));
    } finally {
      await worker.beforeApplicationShutdown();
    }
    expect(worker.bootstrapped).toBe(1);
    expect(worker.stopped).toBe(1);
  });

  it('goes on at once while passes are full, and rests after the first that is not', async () => {
    const worker = new PlannedWorker(settings(), [10, 10, 10, 3, 10]);
    worker.start();
    try {
      await eventually(() => expect(worker.started).toHaveLength(4));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(worker.started).toHaveLength(4);
    } finally {
      await worker.stop();
    }
  });

  it('runs one more pass after a wake() that arrived during a pass', async () => {
    const worker = new PlannedWorker(settings(), [1, 1, 1]);
    worker.hold = gate();
    worker.start();
    try {
      await eventually(() => expect(worker.started).toHaveLength(1));
      worker.wake();
      const held = worker.hold;
      worker.hold = undefined;
      held.open();
      await eventually(() => expect(worker.started).toHaveLength(2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(worker.started).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });

  it('backs off after failures, waiting longer each time, and recovers', async () => {
    const failing = new Error('the database is down');
    const worker = new PlannedWorker(settings({ initialBackoffMs: 20, maxBackoffMs: 1_000 }), [
      failing,
      failing,
      failing,
      10,
    ]);
    worker.start();
    try {
      await eventually(() => expect(worker.started.length).toBeGreaterThanOrEqual(5));
    } finally {
      await worker.stop();
    }
    const [first = 0, second = 0, third = 0, fourth = 0] = worker.started;
    const gaps = [second - first, third - second, fourth - third];
    // Equal jitter: at least half the nominal 20, 40 and 80 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
  });

  it('a wake() does not cut a backoff short, and stop() does', async () => {
    const worker = new PlannedWorker(settings({ initialBackoffMs: 60_000 }), [
      new Error('down'),
      1,
    ]);
    worker.start();
    await eventually(() => expect(worker.started).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.started).toHaveLength(1);
    await worker.stop();
  });

  it('stop() waits for the pass in progress and cuts the wait after it short', async () => {
    const worker = new PlannedWorker(settings(), [1]);
    worker.hold = gate();
    worker.start();
    await eventually(() => expect(worker.started).toHaveLength(1));
    let stopped = false;
    const stopping = (async () => {
      await worker.stop();
      stopped = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    worker.hold.open();
    await stopping;
    expect(worker.started).toHaveLength(1);
  });

  it('wakeIn(ms) runs a pass at each time asked for, and one for times a moment apart', async () => {
    const worker = new PlannedWorker(settings(), [1, 1, 1, 1]);
    worker.start();
    try {
      await eventually(() => expect(worker.started).toHaveLength(1));
      const asked = Date.now();
      worker.wakeIn(120);
      worker.wakeIn(30);
      worker.wakeIn(31);
      await eventually(() => expect(worker.started).toHaveLength(2));
      expect((worker.started[1] ?? 0) - asked).toBeGreaterThanOrEqual(25);
      await eventually(() => expect(worker.started).toHaveLength(3));
      expect((worker.started[2] ?? 0) - asked).toBeGreaterThanOrEqual(115);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(worker.started).toHaveLength(3);
    } finally {
      await worker.stop();
    }
  });

  it('polls six times less often where no other process shares its database', async () => {
    const shared = new PlannedWorker(settings({ intervalMs: 30 }), [], 10, {
      acrossProcesses: true,
    });
    const alone = new PlannedWorker(settings({ intervalMs: 30 }), [], 10, {
      acrossProcesses: false,
    });
    shared.start();
    alone.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(shared.started.length).toBeGreaterThanOrEqual(3);
      expect(alone.started).toHaveLength(1);
    } finally {
      await Promise.all([shared.stop(), alone.stop()]);
    }
  });

  it('does not start when disabled: tests drive runOnce() themselves', async () => {
    const worker = new PlannedWorker(settings({ enabled: false }), [1]);
    await worker.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(worker.started).toHaveLength(0);
    expect(worker.bootstrapped).toBe(0);
    await worker.beforeApplicationShutdown();
    expect(worker.stopped).toBe(0);
  });
});
