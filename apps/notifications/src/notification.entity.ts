import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '#atlas/contracts';

/** A status change the customer was told about. */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('uuid', { name: 'order_id' })
  orderId: string;

  @Column('text')
  status: OrderStatus;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
