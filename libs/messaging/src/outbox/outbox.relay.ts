import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { errorDetails } from '../errors/error-details.js';
import { MessagingError } from '../errors/messaging.error.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { MessagePublisher, type OutgoingMessage } from '../publishing/message-publisher.js';
import { takeOutboxWrite } from './outbox-commits.js';
import { OutboxStore, type PendingOutboxRow } from './outbox.store.js';
import { DatabaseNotifications } from '#atlas/persistence';
import { PollingWorker } from '#atlas/worker';

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
 * Wake-ups. The relay runs a pass as soon as a transaction that wrote to the outbox commits
 * (in process), and when another replica announces such a commit on the `atlas_outbox`
 * channel (`LISTEN/NOTIFY`): only the replica holding the lock publishes, so the others' writes
 * must reach it. The interval is the safety net for anything neither announced.
 *
 * PGlite serves one connection: each pass uses only its transaction's connection, and the
 * failure bookkeeping runs after that transaction has released it.
 */
@Injectable()
export class OutboxRelay extends PollingWorker<RelayPass> {
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly store: OutboxStore,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Optional() private readonly notifications?: DatabaseNotifications,
  ) {
    super('OutboxRelay', 'publishing the outbox', notifications);
  }

  protected get polling(): ResolvedMessagingOptions['relay'] {
    return this.options.relay;
  }

  protected override async beforeStart(): Promise<void> {
    if (!(await this.store.tableExists(this.dataSource.manager))) {
      throw new MessagingError(
        'MESSAGING.MISSING_TABLES',
        'The outbox table does not exist: add messagingTables from #atlas/messaging to the ' +
          "service's PersistenceModule.forRoot({ libraryTables }) (or set relay: " +
          '{ enabled: false } if it never publishes)',
      );
    }
    this.dataSource.subscribers.push(this.commitListener);
    this.unlisten = this.notifications?.listen(OUTBOX_CHANNEL, () => this.wake());
  }

  protected override afterStop(): void {
    const index = this.dataSource.subscribers.indexOf(this.commitListener);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
    this.unlisten?.();
    this.unlisten = undefined;
  }

  private readonly commitListener: EntitySubscriberInterface = {
    afterTransactionCommit: (event) => {
      if (!takeOutboxWrite(event.queryRunner)) return;
      this.wake();
      this.notifications?.announce(OUTBOX_CHANNEL);
    },
  };

  /** One pass: publish the next batch, if this relay holds the lock and there is one. */
  async runOnce(): Promise<RelayPass> {
    let claimed: PendingOutboxRow[] = [];
    try {
      return await this.dataSource.transaction(async (manager): Promise<RelayPass> => {
        const batch = await this.store.claimBatch(manager, this.options.relay.batchSize);
        if (batch === 'locked-elsewhere') return { kind: 'locked-elsewhere' };
        claimed = batch;
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

  /** A full batch means more may be waiting. */
  protected hasMore(pass: RelayPass): boolean {
    return pass.kind === 'published' && pass.count === this.options.relay.batchSize;
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

/** The channel replicas announce outbox commits on. */
export const OUTBOX_CHANNEL = 'atlas_outbox';

function toOutgoingMessage(row: PendingOutboxRow): OutgoingMessage {
  return {
    topic: row.topic,
    key: row.key,
    value: JSON.stringify(row.payload),
    headers: row.headers,
  };
}
