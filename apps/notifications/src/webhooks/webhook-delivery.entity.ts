import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type {
  WebhookDelivery as DeliveryDto,
  WebhookDeliveryStatus,
  WebhookEventType,
  WebhookPayload,
} from '#atlas/contracts';

/**
 * One event for one subscription: written in the transaction that records the event (so none
 * is lost), then sent, retried and finally delivered or dead-lettered by the delivery worker.
 * It is also the delivery log the customer reads.
 */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'subscription_id' })
  subscriptionId: string;

  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('text', { name: 'event_type' })
  eventType: WebhookEventType;

  @Column('jsonb')
  payload: WebhookPayload;

  @Column('text')
  status: WebhookDeliveryStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  /** When the next attempt is due; while one is in flight, when it counts as lost. */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;
}

export function toDeliveryDto(record: WebhookDeliveryRecord): DeliveryDto {
  return {
    id: record.id,
    eventType: record.eventType,
    status: record.status,
    attempts: record.attempts,
    lastStatusCode: record.lastStatusCode,
    lastError: record.lastError,
    nextAttemptAt:
      record.status === 'PENDING' ? (record.nextAttemptAt?.toISOString() ?? null) : null,
    createdAt: record.createdAt.toISOString(),
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
  };
}
