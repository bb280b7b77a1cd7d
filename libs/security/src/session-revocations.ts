/**
 * Sessions that ended before their access tokens expired (logout, refresh-token reuse, a
 * password, MFA or role change, a disabled account). The auth service records them; every
 * verifier asks on every request, so a revoked session's access token is refused at once,
 * not when it expires.
 *
 * A record only needs to outlive the session's last access token, so each carries a lifetime.
 * When the store cannot answer, `isRevoked` throws `SessionStoreUnavailable` and verification
 * fails closed: a token that might be revoked is never let through.
 */
export abstract class SessionRevocations {
  abstract revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void>;

  abstract isRevoked(sessionId: string): Promise<boolean>;
}

/** The revocation store did not answer; the caller must refuse rather than guess. */
export class SessionStoreUnavailable extends Error {
  override readonly name = 'SessionStoreUnavailable';
}
