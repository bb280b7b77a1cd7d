import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { backoffDelay, sleep } from '#atlas/resilience';

/**
 * How a polling worker runs; every worker's settings include these. A class so that a
 * worker's settings can extend it and serve as their own injection token
 * (`{ provide: ImportWorkerSettings, useValue }`); any object of this shape is one.
 */
export abstract class PollingSettings {
  /** Off in tests that drive `runOnce()` themselves. */
  abstract readonly enabled: boolean;
  /**
   * How often it looks for work when nothing woke it: the safety net for work that no
   * `wake()` announced (another replica's writes, a restart, a missed notification).
   */
  abstract readonly intervalMs: number;
  /** The longest wait after failures in a row. */
  abstract readonly maxBackoffMs: number;
  /** The first wait after a failure, doubling up to `maxBackoffMs`; default 200 ms. */
  readonly initialBackoffMs?: number;
}

const DEFAULT_INITIAL_BACKOFF_MS = 200;
/** How much longer the idle poll is where no other process shares the database. */
const ALONE_FACTOR = 6;
/** Wake-ups asked for this close together are one. */
const WAKE_SLACK_MS = 5;

/**
 * The one shape of every background loop in Atlas (the outbox relay, the order projector, the
 * saga's timeouts, CSV imports, webhook deliveries, the simulated provider's callbacks): a
 * subclass says what one pass does (`runOnce`) and whether it left work behind (`hasMore`);
 * this class owns the rest, once:
 *
 * - it starts on application bootstrap (unless `enabled` is false) and, before shutdown, stops
 *   after the pass in progress, cutting any wait short;
 * - a pass that left work behind is followed by the next one at once; otherwise it waits
 *   `intervalMs`, unless `wake()` cuts the wait short. A `wake()` that arrives during a pass
 *   runs one more pass right after, since it may announce work the pass did not see;
 * - a pass that throws is logged and followed by a backoff (`backoffDelay` from
 *   `#atlas/resilience`, doubling from `initialBackoffMs` to `maxBackoffMs`) that wake-ups do not cut
 *   short: a burst of commits against a broker that is down must not become a hot loop.
 */
export abstract class PollingWorker<Pass>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly logger: Logger;
  /** The worker's settings, read at start and between passes. */
  protected abstract readonly polling: PollingSettings;
  private running: Promise<void> | undefined;
  private stopRequested = false;
  private wakeRequested = false;
  private nap: AbortController | undefined;
  /** False during a backoff: wake-ups wait for it, only `stop()` cuts it short. */
  private napWakeable = true;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  private readonly wakeAts: number[] = [];

  /**
   * `activity` names what a pass does, for log lines: "publishing the outbox". `database` is
   * the worker's database as `DatabaseNotifications` describes it: where no other process
   * shares it (embedded mode), every piece of work is announced in process, the poll only
   * guards against a missed wake-up, and it runs `ALONE_FACTOR` times less often.
   */
  protected constructor(
    name: string,
    private readonly activity: string,
    private readonly database?: { readonly acrossProcesses: boolean },
  ) {
    this.logger = new Logger(name);
  }

  /** How long an idle worker waits before it looks anyway. */
  protected get idleIntervalMs(): number {
    const alone = this.database?.acrossProcesses === false;
    return alone ? this.polling.intervalMs * ALONE_FACTOR : this.polling.intervalMs;
  }

  /** One pass. Tests whose worker is not `enabled` call it directly. */
  abstract runOnce(): Promise<Pass>;

  /** True when the pass may have left work behind (a full batch): the next one starts at once. */
  protected abstract hasMore(pass: Pass): boolean;

  /**
   * Runs on application bootstrap before the loop starts (a throw fails the application's
   * start): where a worker subscribes to its wake-ups. `start()` alone does not run it.
   */
  protected beforeStart(): Promise<void> | void {}

  /** Runs before application shutdown once the loop has stopped; `stop()` alone does not. */
  protected afterStop(): Promise<void> | void {}

  /** Runs after every pass, whether it worked or failed. */
  protected afterPass(): void {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.polling.enabled) return;
    await this.beforeStart();
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
    if (this.polling.enabled) await this.afterStop();
  }

  /** Starts the loop. Idempotent. */
  start(): void {
    if (this.running) return;
    this.stopRequested = false;
    this.running = this.loop();
  }

  /** Stops once the pass in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    for (const timer of this.wakeTimers) clearTimeout(timer);
    this.wakeTimers.clear();
    this.wakeAts.length = 0;
    this.nap?.abort();
    await this.running;
    this.running = undefined;
  }

  /** True once `stop()` was called: long passes check it between their steps. */
  protected get stopping(): boolean {
    return this.stopRequested;
  }

  /** Runs a pass now rather than after the interval: there is new work. */
  wake(): void {
    this.wakeRequested = true;
    if (this.napWakeable) this.nap?.abort();
  }

  /**
   * Runs a pass in `ms`, when work falls due (a retry, a deadline). Each time asked for gets
   * its own wake-up, except one within a few milliseconds of a wake-up already set.
   */
  wakeIn(ms: number): void {
    if (ms <= 0) return this.wake();
    const at = Date.now() + ms;
    if (this.wakeAts.some((existing) => Math.abs(existing - at) <= WAKE_SLACK_MS)) return;
    this.wakeAts.push(at);
    const timer = setTimeout(() => {
      this.wakeTimers.delete(timer);
      this.wakeAts.splice(this.wakeAts.indexOf(at), 1);
      this.wake();
    }, ms);
    timer.unref();
    this.wakeTimers.add(timer);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopRequested) {
      this.wakeRequested = false;
      let delay = this.idleIntervalMs;
      try {
        const pass = await this.runOnce();
        failures = 0;
        if (this.hasMore(pass)) delay = 0;
      } catch (error) {
        failures++;
        delay = backoffDelay(failures, {
          initialDelayMs: this.polling.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS,
          maxDelayMs: this.polling.maxBackoffMs,
        });
        this.logger.warn(
          `${capitalised(this.activity)} failed ${failures} time(s) in a row: ` +
            `${error instanceof Error ? error.message : String(error)}; retrying in ${delay} ms`,
        );
      }
      this.afterPass();
      if (this.stopRequested) break;
      if (delay === 0 || (this.wakeRequested && failures === 0)) continue;
      this.napWakeable = failures === 0;
      this.nap = new AbortController();
      await sleep(delay, this.nap.signal);
      this.nap = undefined;
    }
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
