/** What a journey needs from the platform it runs against, whichever mode started it. */
export interface PlatformUnderTest {
  readonly gatewayUrl: string;
  /** The first admin, configured through ATLAS_ADMIN_EMAIL and ATLAS_ADMIN_PASSWORD. */
  readonly admin: { readonly email: string; readonly password: string };
}

/** The admin both journey runs configure; a test-only passphrase, never a default in code. */
export const JOURNEY_ADMIN = {
  email: 'journey-admin@example.com',
  password: 'journey admin passphrase',
} as const;

/**
 * What every journey platform sets: the admin, and per-client-IP limits the journeys cannot
 * trip. Every journey request comes from this machine's one address, so the gateway would count
 * a whole suite of customers as one client; the limits themselves are tested in test/security.
 */
export const journeyAdminEnv = {
  ATLAS_ADMIN_EMAIL: JOURNEY_ADMIN.email,
  ATLAS_ADMIN_PASSWORD: JOURNEY_ADMIN.password,
  RATE_LIMIT_PER_MINUTE: '1000000',
  USER_RATE_LIMIT_PER_MINUTE: '1000000',
  // Journeys prove behaviour, on machines that may be loaded (100 concurrent orders through an
  // embedded platform's one database connection); timeouts have their own suite (test/gateway).
  UPSTREAM_TIMEOUT_MS: '30000',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
};
