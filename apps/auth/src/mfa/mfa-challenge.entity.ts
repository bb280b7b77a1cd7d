import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The half-finished login behind an `mfaToken`: the password was right, a second factor is
 * due. Stored as a hash, good for a few minutes and a few wrong codes, used once.
 */
@Entity({ name: 'mfa_challenges' })
export class MfaChallenge {
  @PrimaryColumn('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('integer', { name: 'failed_attempts' })
  failedAttempts: number;

  @Column('timestamptz', { name: 'consumed_at', nullable: true })
  consumedAt: Date | null;
}
