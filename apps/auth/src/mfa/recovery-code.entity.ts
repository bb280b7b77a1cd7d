import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One single-use recovery code, stored only as its SHA-256 (it carries 80 random bits). */
@Entity({ name: 'recovery_codes' })
export class RecoveryCode {
  @PrimaryColumn('text', { name: 'code_hash' })
  codeHash: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;
}
