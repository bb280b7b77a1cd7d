import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s steps. */
const PERIOD_S = 30;

/** The issuer shown in authenticator apps next to the account. */
export const TOTP_ISSUER = 'Atlas';

export function newTotpSecret(): string {
  // 20 bytes = 160 bits, the size RFC 4226 recommends for HMAC-SHA-1.
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, accountEmail: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountEmail, secret, period: PERIOD_S });
}

/**
 * Checks a code against the current step and one step either side (clock drift), refusing
 * any step at or before `afterStep`, so a code that was accepted once is never accepted again.
 * Returns the step the code belongs to, to be stored as the new `afterStep`.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterStep: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    period: PERIOD_S,
    epochTolerance: PERIOD_S,
    ...(afterStep > 0 ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
