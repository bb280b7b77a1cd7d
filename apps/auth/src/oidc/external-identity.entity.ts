import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An account at an OpenID Connect provider (issuer + subject), linked to an Atlas user. */
@Entity({ name: 'external_identities' })
export class ExternalIdentity {
  @PrimaryColumn('text')
  issuer: string;

  @PrimaryColumn('text')
  subject: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
