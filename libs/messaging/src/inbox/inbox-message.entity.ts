import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per event a consumer has applied. Brokers deliver at least once (a crash or a
 * rebalance before the commit redelivers), so the consumer records the event id in the same
 * transaction as its effect, and a second delivery finds the row and does nothing.
 */
@Entity({ name: 'inbox' })
export class InboxMessage {
  /** Which handler applied it: one event can matter to several handlers of a service. */
  @PrimaryColumn({ type: 'text' })
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
