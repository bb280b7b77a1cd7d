import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderEvent, OrderEventType } from '../domain/order-events.js';

/** One row per fact, append-only; (stream, version) is unique, which makes appends optimistic. */
@Entity({ name: 'order_events' })
export class OrderEventRecord {
  @PrimaryColumn('uuid', { name: 'stream_id' })
  streamId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('uuid', { name: 'event_id', unique: true })
  eventId: string;

  @Column('text')
  type: OrderEventType;

  @Column('jsonb')
  data: OrderEvent['data'];

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;
}
