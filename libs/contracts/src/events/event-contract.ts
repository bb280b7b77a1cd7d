import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Fields every event carries, whatever its topic: consumers dedupe on `eventId`. */
export const EventEnvelope = z.object({
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
});

/**
 * A versioned message on one topic: the topic name carries the version
 * (`orders.order-placed.v1`), the schema validates it on publish and on consume, and `key`
 * picks the Kafka key (the aggregate id) so one aggregate's events stay in order on one partition.
 */
export interface EventContract<Schema extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly topic: string;
  readonly kind: 'event' | 'command';
  readonly schema: Schema;
  /** A method, so a list of differently-shaped contracts still type-checks. */
  key(message: z.infer<Schema>): string;
}

export type MessageOf<C extends EventContract> = z.infer<C['schema']>;

/** What the producer supplies; the envelope fields are filled in by `newEvent`. */
export type EventData<C extends EventContract> = Omit<MessageOf<C>, 'eventId' | 'occurredAt'>;

export function defineEvent<Shape extends z.ZodRawShape>(definition: {
  name: string;
  topic: string;
  kind?: 'event' | 'command';
  shape: Shape;
  key: (message: z.infer<z.ZodObject<Shape>>) => string;
}) {
  const schema = EventEnvelope.extend(definition.shape);
  return {
    name: definition.name,
    topic: definition.topic,
    kind: definition.kind ?? 'event',
    schema,
    // The full message has every field `key` reads; TypeScript cannot relate the generic shapes.
    // oxlint-disable-next-line typescript/no-unsafe-type-assertion
    key: definition.key as (message: z.infer<typeof schema>) => string,
  } satisfies EventContract<typeof schema>;
}

/** Stamps a new event id and time on the payload and checks it against the contract. */
export function newEvent<C extends EventContract>(
  contract: C,
  data: EventData<C>,
  now: Date = new Date(),
): MessageOf<C> {
  const message = contract.schema.parse({
    ...data,
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
  });
  // parse() has just checked it against this very schema; only the generic type is lost.
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion
  return message as MessageOf<C>;
}
