// Every Redis key a store writes, in one place: `<keyPrefix>:<store>:<caller's key>`. The
// store part keeps a cache's deleteByPrefix from ever reaching rate-limit counters.

export type StoreKind = 'cache' | 'ratelimit';

export function assertValidKeyPrefix(keyPrefix: string): void {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(keyPrefix)) {
    throw new Error(
      `keyPrefix "${keyPrefix}" must start with a letter or digit and use only letters, ` +
        'digits, "_", "." and "-" (the service name, e.g. "catalog", is a good choice).',
    );
  }
}

export function storeNamespace(keyPrefix: string, kind: StoreKind): string {
  assertValidKeyPrefix(keyPrefix);
  return `${keyPrefix}:${kind}:`;
}

/** A SCAN MATCH pattern for keys starting with `prefix`, with glob characters taken literally. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replaceAll(/[*?[\]\\]/g, (character) => `\\${character}`)}*`;
}
