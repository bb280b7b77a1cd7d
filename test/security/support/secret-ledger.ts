/**
 * Every password, token, code and secret the suite handles, so that the last test can look
 * for each of them in everything the platform logged, stored in its audit log and published.
 */
export class SecretLedger {
  private readonly values = new Set<string>();

  /** Remembers a secret (and returns it, to wrap where it is made). */
  add<T extends string>(value: T): T {
    // Short values (a 6-digit TOTP code) would match by chance: they are checked elsewhere.
    if (value.length >= 12) this.values.add(value);
    return value;
  }

  /** The secrets that appear in `text`, for a failure message that names them. */
  foundIn(text: string): string[] {
    return [...this.values].filter((secret) => text.includes(secret));
  }

  get size(): number {
    return this.values.size;
  }
}
