import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The provider's webhook signature, in the scheme Stripe made common:
 *
 *     Provider-Signature: t=1764151200,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * `v1` is the hex HMAC-SHA256, under the shared secret, of `<t>.<raw body>`. Signing the time
 * with the body lets the receiver refuse an old message replayed later, and signing the raw
 * bytes means nobody may re-serialise the JSON on the way (the gateway forwards it untouched).
 * Several `v1` entries are allowed, so a provider can sign with an old and a new secret while
 * the secret is being rotated.
 */
export function signProviderPayload(
  secret: string,
  timestampSeconds: number,
  body: Buffer,
): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body).toString('hex')}`;
}

export type SignatureVerdict =
  | { readonly valid: true; readonly timestampSeconds: number }
  | { readonly valid: false; readonly reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export interface VerifyOptions {
  readonly secret: string;
  /** How far the signed time may be from now, either way (clocks drift), in seconds. */
  readonly toleranceSeconds: number;
  readonly now?: Date;
}

export function verifyProviderSignature(
  header: string | undefined,
  body: Buffer,
  options: VerifyOptions,
): SignatureVerdict {
  if (!header) return { valid: false, reason: 'missing' };
  const parsed = parseHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - parsed.timestampSeconds) > options.toleranceSeconds) {
    return { valid: false, reason: 'stale' };
  }
  const expected = hmac(options.secret, parsed.timestampSeconds, body);
  // Every candidate is compared in full and in constant time: how long the check takes says
  // nothing about how many leading bytes of a forged signature were right.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected))
      matched = true;
  }
  return matched
    ? { valid: true, timestampSeconds: parsed.timestampSeconds }
    : { valid: false, reason: 'mismatch' };
}

function hmac(secret: string, timestampSeconds: number, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest();
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function parseHeader(
  header: string,
): { timestampSeconds: number; signatures: Buffer[] } | undefined {
  let timestampSeconds: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) return undefined;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value) || timestampSeconds !== undefined) return undefined;
      timestampSeconds = Number(value);
    } else if (name === 'v1') {
      if (!HEX_SHA256.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, ...) are skipped, as a newer provider may send several.
  }
  if (timestampSeconds === undefined || signatures.length === 0) return undefined;
  return { timestampSeconds, signatures };
}
