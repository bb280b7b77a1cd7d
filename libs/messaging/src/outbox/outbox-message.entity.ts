import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event written in the same transaction as the state change it describes, waiting for the
 * relay to publish it. The id (a bigserial) is the publishing order. Table created by
 * `CreateMessagingTables`, which services get through `messagingTables`.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  /** A bigint: the pg driver returns it as a string, so it never loses precision. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  topic: string;

  /** The Kafka key: the aggregate id, so one aggregate's events stay on one partition, in order. */
  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Message headers to send, e.g. the W3C `traceparent` of the request that wrote the row. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  headers: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Publish attempts, successful or not: a growing number means the broker keeps refusing. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
