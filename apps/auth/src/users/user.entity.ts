import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '#atlas/contracts';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn('uuid')
  id: string;

  /** Normalised (NFKC, trimmed, lower case) so one mailbox is one account. */
  @Column('text', { unique: true })
  email: string;

  @Column('text', { name: 'display_name' })
  displayName: string;

  /** argon2id (PHC string); null for an account that signs in only through OpenID Connect. */
  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash: string | null;

  @Column('text', { array: true })
  roles: Role[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set by an admin: the account cannot sign in and its sessions have been ended. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
