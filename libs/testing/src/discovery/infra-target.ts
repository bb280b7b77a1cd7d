import { z } from 'zod';

/** The three servers the integration and e2e suites need. */
export type InfraService = 'postgres' | 'redis' | 'kafka';

export const INFRA_SERVICES: readonly InfraService[] = ['postgres', 'redis', 'kafka'];

/** How a real server was found, in the discovery order DESIGN.md sets. */
export type InfraSource = 'environment' | 'local-port' | 'started-by-tests';

/**
 * What one service resolved to for this test run. `address` is a URL for PostgreSQL and Redis
 * and a comma-separated broker list for Kafka; the public `test*()` functions give it its
 * service's shape.
 */
export type ResolvedServer =
  | {
      readonly kind: 'real';
      readonly address: string;
      readonly source: InfraSource;
      /** What the server said it is ("PostgreSQL 15.19", "Redis 7.0.15", "Kafka cluster abc"). */
      readonly version: string;
    }
  | {
      readonly kind: 'embedded';
      /** Why no real server was used: every address tried and what it answered. */
      readonly reason: string;
    };

// Resolved servers cross process boundaries (the environment, the usage file): these schemas
// check them on the way in, so a stale or hand-edited value fails with a message, not deep
// inside a test.

export const infraServiceSchema: z.ZodType<InfraService> = z.enum(['postgres', 'redis', 'kafka']);

export const resolvedServerSchema: z.ZodType<ResolvedServer> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('real'),
    address: z.string().min(1),
    source: z.enum(['environment', 'local-port', 'started-by-tests']),
    version: z.string(),
  }),
  z.object({ kind: z.literal('embedded'), reason: z.string() }),
]);
