import { randomBytes } from 'node:crypto';

/** PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1). */
const MAX_NAME_LENGTH = 63;

/** Every database a run creates starts with this, so its teardown can find leftovers. */
export function runDatabasePrefix(runId: string): string {
  return `atlas_test_${runId}_`;
}

/**
 * `atlas_test_<run>_<prefix>_<random>`: lower case, digits and underscores only, so the name
 * never needs quoting rules and cannot collide with another test's database.
 */
export function testDatabaseName(runId: string, prefix: string): string {
  const suffix = `_${randomBytes(4).toString('hex')}`;
  const head = runDatabasePrefix(runId);
  const readable = prefix
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '_')
    .replaceAll(/^_+|_+$/g, '')
    .slice(0, MAX_NAME_LENGTH - head.length - suffix.length);
  return `${head}${readable || 'db'}${suffix}`;
}
