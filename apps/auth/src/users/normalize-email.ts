/**
 * One mailbox, one spelling: Unicode-normalised, trimmed and lower-cased before it is stored
 * or looked up, so `Ann@Example.com ` cannot register a second account next to `ann@example.com`.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
