import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type PaymentStatus = 'AUTHORIZED' | 'DECLINED';

/** One payment per order: `order_id` is unique, so a retried command cannot pay twice. */
@Entity({ name: 'payments' })
export class Payment {
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

  @Column('text', { name: 'provider_reference' })
  providerReference: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
