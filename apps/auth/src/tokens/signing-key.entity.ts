import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

/** An ES256 key pair. The newest signs; all are published in the JWKS so older tokens verify. */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('text')
  kid: string;

  @Column('text')
  algorithm: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk: JWK;

  @Column('jsonb', { name: 'private_jwk' })
  privateJwk: JWK;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
