import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PaymentStatus } from './payment-status.js';

/** One payment per order: `order_id` is unique, so a retried command cannot pay twice. */
@Entity({ name: 'payments' })
export class Payment {
  /** Also the idempotency key sent to the provider, which echoes it in its callback. */
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'order_id', unique: true })
  orderId: string;

  @Column('integer', { name: 'amount_cents' })
  amountCents: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  status: PaymentStatus;

  /** The provider's id of the authorization; null until the provider has been asked. */
  @Column('text', { name: 'provider_reference', nullable: true })
  providerReference: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
