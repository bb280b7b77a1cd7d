import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Test fixture: the smallest entity that needs a migration, a uuid default and a transaction. */
@Entity({ name: 'ledger_entries' })
export class LedgerEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  account: string;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents: number;
}
