import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Order as OrderDto, OrderStatus } from '#atlas/contracts';

/** The query side: one row per order, shaped for reads, derived from the event stream. */
@Entity({ name: 'order_views' })
export class OrderView {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('text')
  status: OrderStatus;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('jsonb')
  items: { productId: string; quantity: number; priceCents: number | null }[];

  @Column('integer', { name: 'total_cents', nullable: true })
  totalCents: number | null;

  @Column('char', { length: 3, nullable: true })
  currency: string | null;

  @Column('integer')
  version: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

export function toOrderDto(view: OrderView): OrderDto {
  const order: OrderDto = {
    id: view.id,
    customerId: view.customerId,
    status: view.status,
    items: view.items,
    totalCents: view.totalCents,
    currency: view.currency,
    createdAt: view.createdAt.toISOString(),
  };
  if (view.reason) order.reason = view.reason;
  return order;
}
