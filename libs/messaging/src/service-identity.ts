/**
 * A service's consumer group and Kafka client id: `atlas-<service>`. Every replica of a service
 * shares the group, so each message is handled once per service, not once per replica.
 */
export function consumerGroupId(service: string): string {
  return `atlas-${service}`;
}

export function kafkaClientId(service: string): string {
  return `atlas-${service}`;
}
