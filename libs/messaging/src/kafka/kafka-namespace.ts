/**
 * Several Atlas environments can share one Kafka cluster (a CI run next to a developer's
 * stack, staging next to a demo): a namespace prefixes every topic and consumer group name on
 * the wire, so they never read each other's messages. Only the Kafka adapter knows about it;
 * the rest of the code, the contracts and the embedded broker use the logical names.
 */
export class KafkaNamespace {
  private readonly prefix: string;

  constructor(namespace: string | undefined) {
    if (namespace !== undefined && !/^[a-z0-9][a-z0-9_-]{0,48}$/i.test(namespace)) {
      throw new Error(
        `Kafka namespace "${namespace}" must be up to 49 letters, digits, "_" or "-"`,
      );
    }
    this.prefix = namespace ? `${namespace}.` : '';
  }

  /** The topic's name on the cluster. */
  topic(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  /** The contract's name of a topic read from the cluster. */
  logical(physical: string): string {
    if (!physical.startsWith(this.prefix)) {
      throw new Error(`topic ${physical} is outside the namespace "${this.prefix}"`);
    }
    return physical.slice(this.prefix.length);
  }

  group(logical: string): string {
    return `${this.prefix}${logical}`;
  }
}
