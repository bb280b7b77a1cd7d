import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A user's TOTP secret (encrypted), pending until confirmed with a code. */
@Entity({ name: 'totp_credentials' })
export class TotpCredential {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'secret_encrypted' })
  secretEncrypted: string;

  @Column('timestamptz', { name: 'enabled_at', nullable: true })
  enabledAt: Date | null;

  /** The last 30-second time step a code was accepted for: that code and older are refused. */
  @Column('bigint', {
    name: 'last_used_step',
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  lastUsedStep: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
