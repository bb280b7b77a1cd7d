import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ReservationStatus = 'RESERVED' | 'RELEASED';

export interface ReservedLine {
  productId: string;
  quantity: number;
}

/** What catalog took for an order, so a compensation gives back exactly that, once. */
@Entity({ name: 'stock_reservations' })
export class StockReservation {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId: string;

  @Column('jsonb')
  items: ReservedLine[];

  @Column('text')
  status: ReservationStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
