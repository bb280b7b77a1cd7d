import { Logger } from '@nestjs/common';
import { KafkaLogger } from '@nestjs/microservices';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** One kafkajs client per service for its producer and admin, logging through Nest's logger. */
export function createKafkaClient(
  clientId: string,
  brokers: readonly string[],
  overrides: Partial<KafkaConfig> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: KafkaLogger.bind(null, new Logger('Kafka')),
    ...overrides,
  });
}
