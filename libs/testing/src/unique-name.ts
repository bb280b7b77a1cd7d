import { randomBytes } from 'node:crypto';

const PREFIX = /^[a-z0-9][a-z0-9.-]*$/i;

/**
 * `<prefix>-<10 random hex digits>`, for the Kafka topics, consumer groups and Redis keys a
 * test owns, so that suites running at the same time (and earlier runs' leftovers) never meet.
 * Valid as a Kafka topic name; for databases use createTestDatabase().
 */
export function uniqueName(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `uniqueName("${prefix}"): start with a letter or digit and use only letters, digits, "." and "-", so the name is a valid Kafka topic and Redis key.`,
    );
  }
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
