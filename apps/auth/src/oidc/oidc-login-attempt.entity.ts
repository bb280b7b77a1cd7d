import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A started "sign in with the provider": what the callback must match (state, nonce) and the
 * PKCE verifier it must present, kept server-side so the browser never holds the verifier.
 */
@Entity({ name: 'oidc_login_attempts' })
export class OidcLoginAttempt {
  @PrimaryColumn('text', { name: 'state_hash' })
  stateHash: string;

  @Column('text')
  nonce: string;

  @Column('text', { name: 'code_verifier_encrypted' })
  codeVerifierEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'consumed_at', nullable: true })
  consumedAt: Date | null;
}
