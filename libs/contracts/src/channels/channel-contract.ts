import { z } from 'zod';

/**
 * A broadcast channel (Redis pub/sub, or the in-process hub in embedded mode): every
 * subscriber, on every replica, gets every message, and nobody keeps them. For what is only
 * worth knowing now (a live status, "drop your cached copy"); facts that must not be lost go
 * through Kafka. The name carries a version like a topic's; the schema validates on receipt.
 */
export interface ChannelContract<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: Schema;
}

export type ChannelMessageOf<C extends ChannelContract> = z.infer<C['schema']>;

export function defineChannel<Schema extends z.ZodType>(
  name: string,
  schema: Schema,
): ChannelContract<Schema> {
  return { name, schema };
}
