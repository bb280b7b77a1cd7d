import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Turns a Kafka message into Nest's `{ pattern, data }`: the pattern is the topic, the data the
 * JSON value (or its text when it is not JSON, so validation can reject it with a reason).
 *
 * Both transports run Nest's KafkaParser with `keepBinary`, so `KafkaContext.getMessage().value`
 * keeps the original bytes: a dead letter must carry exactly what the producer sent.
 */
export class KafkaEventDeserializer implements ConsumerDeserializer {
  deserialize(message: { value?: unknown }, options?: { channel?: string }): IncomingEvent {
    return { pattern: options?.channel, data: decodeJson(message.value) };
  }
}

function decodeJson(value: unknown): unknown {
  if (!Buffer.isBuffer(value)) return value ?? null;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
