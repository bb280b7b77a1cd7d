import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What issue #3 added: disabled accounts and password-less (OIDC) accounts, encrypted and
 * staged signing keys, TOTP with recovery codes and login challenges, linked OpenID Connect
 * identities, and the append-only audit log.
 */
export class AddSecurityTables1764200000000 implements MigrationInterface {
  name = 'AddSecurityTables1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);

    // Existing plaintext private keys are encrypted by the service at its next start (it holds
    // the encryption key; SQL does not), which then clears private_jwk.
    await db.query(`ALTER TABLE signing_keys ALTER COLUMN private_jwk DROP NOT NULL`);
    await db.query(`ALTER TABLE signing_keys ADD COLUMN private_key_encrypted text`);
    await db.query(
      `ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz NOT NULL DEFAULT now()`,
    );
    await db.query(`UPDATE signing_keys SET activates_at = created_at`);

    await db.query(`
      CREATE TABLE totp_credentials (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        secret_encrypted text NOT NULL,
        enabled_at timestamptz,
        last_used_step bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE recovery_codes (
        code_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      )`);
    await db.query(`CREATE INDEX recovery_codes_user_id_idx ON recovery_codes (user_id)`);
    await db.query(`
      CREATE TABLE mfa_challenges (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0,
        consumed_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE external_identities (
        issuer text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (issuer, subject)
      )`);
    await db.query(`
      CREATE TABLE oidc_login_attempts (
        state_hash text PRIMARY KEY,
        nonce text NOT NULL,
        code_verifier_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);

    // No foreign keys: the audit trail outlives the accounts it mentions.
    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        actor_id uuid,
        user_id uuid,
        session_id uuid,
        client_ip text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX audit_events_user_idx ON audit_events (user_id, occurred_at)`);
    // Append-only, enforced by the database for every role, owner included: a compromised
    // service cannot rewrite the history of what it did.
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only()`);
    await db.query(`DROP TABLE oidc_login_attempts`);
    await db.query(`DROP TABLE external_identities`);
    await db.query(`DROP TABLE mfa_challenges`);
    await db.query(`DROP TABLE recovery_codes`);
    await db.query(`DROP TABLE totp_credentials`);
    await db.query(`ALTER TABLE signing_keys DROP COLUMN activates_at`);
    await db.query(`ALTER TABLE signing_keys DROP COLUMN private_key_encrypted`);
    await db.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
