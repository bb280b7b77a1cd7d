/** A message ready for the broker: the key picks the partition, so one aggregate stays in order. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string | null;
  /** JSON text for events; dead letters keep whatever bytes the original had. */
  readonly value: string | Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends messages to the broker, Kafka or embedded. `publish` resolves only once the broker has
 * accepted every message (for Kafka: acknowledged by all in-sync replicas), so a caller that
 * marks messages as sent afterwards never marks one that was lost.
 */
export abstract class MessagePublisher {
  abstract publish(messages: readonly OutgoingMessage[]): Promise<void>;
}

/** Groups messages per topic, keeping their order: order within a partition is what counts. */
export function byTopic(messages: readonly OutgoingMessage[]): {
  topic: string;
  messages: {
    key: string | null;
    value: string | Buffer | null;
    headers: Record<string, string>;
  }[];
}[] {
  const topics = new Map<
    string,
    { key: string | null; value: string | Buffer | null; headers: Record<string, string> }[]
  >();
  for (const message of messages) {
    const list = topics.get(message.topic) ?? [];
    list.push({ key: message.key, value: message.value, headers: { ...message.headers } });
    topics.set(message.topic, list);
  }
  return [...topics].map(([topic, list]) => ({ topic, messages: list }));
}
