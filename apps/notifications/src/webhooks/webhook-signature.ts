import { createHmac, randomBytes } from 'node:crypto';

/** A new subscription's secret: 256 random bits, shown to the customer once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `Atlas-Signature` header of one attempt: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<the exact body>`, keyed with the subscription's secret (its UTF-8 bytes). Receivers
 * recompute it, compare in constant time, and refuse a `t` too far from their clock (5
 * minutes) so a captured request cannot be replayed later; docs/webhooks-out.md has the code.
 * Each attempt is signed afresh, so a retry hours later still carries a current timestamp.
 */
export function signWebhook(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
