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

export const journeyAdminEnv = {
  ATLAS_ADMIN_EMAIL: JOURNEY_ADMIN.email,
  ATLAS_ADMIN_PASSWORD: JOURNEY_ADMIN.password,
};
