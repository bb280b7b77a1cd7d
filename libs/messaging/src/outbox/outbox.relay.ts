import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { errorDetails } from '../errors/error-details.js';
import { MessagingError } from '../errors/messaging.error.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { MessagePublisher, type OutgoingMessage } from '../publishing/message-publisher.js';
import { takeOutboxWrite } from './outbox-commits.js';
import { OutboxStore, type PendingOutboxRow } from './outbox.store.js';
import { backoffDelay, sleep } from '#atlas/resilience';

/** What one pass of the relay did. */
export type RelayPass =
  | { readonly kind: 'published'; readonly count: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'locked-elsewhere' };

/**
 * Publishes outbox rows to the broker, oldest first, and marks them published.
 *
 * Each pass is one transaction: take the relay lock, claim a batch of unpublished rows in id
 * order (`FOR UPDATE SKIP LOCKED`), publish them and wait for the broker's acknowledgement,
 * mark them published, commit.
 *
 * Order. Rows for one key (one aggregate) are written in order by transactions that the
 * aggregate's own concurrency control serialises, so their ids are in order too. Publishing in
 * id order keeps them in order only if a single relay publishes at a time: with `SKIP LOCKED`
 * alone, a second replica would claim the next batch and could publish an aggregate's later
 * event before the first replica has published its earlier one. Hence the transaction-scoped
 * advisory lock: one relay per database publishes, the others skip their turn (and take over
 * at once if it dies, since the lock goes with its connection).
 *
 * Failures. If publishing fails, the transaction rolls back: the rows stay unpublished and the
 * next pass sends them again, after a backoff. If the broker accepted a batch but the commit
 * failed (or the process died in between), that batch is published a second time, in the same
 * order; consumers absorb the duplicates with their inbox.
 *
 * PGlite serves one connection: each pass uses only its transaction's connection, and the
 * failure bookkeeping runs after that transaction has released it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private running: Promise<void> | undefined;
  private stopping = false;
  private nap: AbortController | undefined;
  private wakeRequested = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly store: OutboxStore,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.relay.enabled) return;
    if (!(await this.store.tableExists(this.dataSource.manager))) {
      throw new MessagingError(
        'MESSAGING.MISSING_TABLES',
        'The outbox table does not exist: add messagingTables from #atlas/messaging to the ' +
          "service's PersistenceModule.forRoot({ libraryTables }) (or set relay: " +
          '{ enabled: false } if it never publishes)',
      );
    }
    // Publish right after a transaction that wrote to the outbox commits; the interval is only
    // the fallback (rows written by another replica, or before a restart).
    this.dataSource.subscribers.push(this.commitListener);
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const index = this.dataSource.subscribers.indexOf(this.commitListener);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
    await this.stop();
  }

  private readonly commitListener: EntitySubscriberInterface = {
    afterTransactionCommit: (event) => {
      if (takeOutboxWrite(event.queryRunner)) this.wake();
    },
  };

  /** Starts polling. Idempotent. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops polling once the current pass (if any) has finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nap?.abort();
    await this.running;
    this.running = undefined;
  }

  /** Runs the next pass now instead of after the interval, e.g. right after a commit. */
  wake(): void {
    this.wakeRequested = true;
    this.nap?.abort();
  }

  /** One pass: publish the next batch, if this relay holds the lock and there is one. */
  async runOnce(): Promise<RelayPass> {
    let claimed: PendingOutboxRow[] = [];
    try {
      return await this.dataSource.transaction(async (manager): Promise<RelayPass> => {
        if (!(await this.store.tryLock(manager))) return { kind: 'locked-elsewhere' };
        claimed = await this.store.claimBatch(manager, this.options.relay.batchSize);
        if (claimed.length === 0) return { kind: 'empty' };
        await this.publisher.publish(claimed.map(toOutgoingMessage));
        await this.store.markPublished(
          manager,
          claimed.map((row) => row.id),
        );
        return { kind: 'published', count: claimed.length };
      });
    } catch (error) {
      if (claimed.length > 0) await this.recordFailure(claimed, error);
      throw error;
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay = this.options.relay.intervalMs;
      this.wakeRequested = false;
      try {
        const pass = await this.runOnce();
        failures = 0;
        // A full batch means more may be waiting: go on at once.
        if (pass.kind === 'published' && pass.count === this.options.relay.batchSize) delay = 0;
      } catch (error) {
        failures++;
        delay = backoffDelay(failures, {
          initialDelayMs: this.options.relay.intervalMs,
          maxDelayMs: this.options.relay.maxBackoffMs,
        });
        this.logger.warn(
          `Publishing the outbox failed ${failures} time(s) in a row: ${errorDetails(error).message}; ` +
            `retrying in ${delay} ms`,
        );
      }
      if (this.stopping) break;
      // A wake() during the pass may concern rows committed after the batch was claimed.
      if (this.wakeRequested && failures === 0) continue;
      this.nap = new AbortController();
      await sleep(delay, this.nap.signal);
      this.nap = undefined;
    }
  }

  private async recordFailure(rows: readonly PendingOutboxRow[], error: unknown): Promise<void> {
    try {
      await this.store.recordFailure(
        this.dataSource.manager,
        rows.map((row) => row.id),
        errorDetails(error).message,
      );
    } catch (bookkeeping) {
      this.logger.warn(`Could not record the failure on the outbox rows: ${String(bookkeeping)}`);
    }
  }
}

function toOutgoingMessage(row: PendingOutboxRow): OutgoingMessage {
  return {
    topic: row.topic,
    key: row.key,
    value: JSON.stringify(row.payload),
    headers: row.headers,
  };
}
