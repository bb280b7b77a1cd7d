import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

/**
 * An ES256 key pair. The newest key whose `activatesAt` has passed signs; keys are published
 * in the JWKS from their creation (so verifiers know them before the first token) until the
 * tokens they signed have expired. The private half is stored encrypted (AES-256-GCM).
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('text')
  kid: string;

  @Column('text')
  algorithm: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk: JWK;

  /** Only in rows written before encryption at rest; cleared at the next start. */
  @Column('jsonb', { name: 'private_jwk', nullable: true })
  privateJwk: JWK | null;

  @Column('text', { name: 'private_key_encrypted', nullable: true })
  privateKeyEncrypted: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'activates_at' })
  activatesAt: Date;
}
