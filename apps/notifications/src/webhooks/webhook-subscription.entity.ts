import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { WebhookEventType, WebhookSubscription as SubscriptionDto } from '#atlas/contracts';

/** Where a customer wants their order events sent, and the secret their deliveries are signed with. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('text')
  url: string;

  @Column('text', { array: true })
  events: WebhookEventType[];

  /**
   * Kept as is, since every delivery is signed with it; shown to the customer once. A
   * deployment that needs it encrypted at rest wraps this column with its key service.
   */
  @Column('text')
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export function toSubscriptionDto(record: WebhookSubscriptionRecord): SubscriptionDto {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    createdAt: record.createdAt.toISOString(),
  };
}
