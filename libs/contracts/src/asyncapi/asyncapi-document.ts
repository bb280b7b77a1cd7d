import { z } from 'zod';
import type { EventContract } from '../events/event-contract.js';
import { ALL_CONTRACTS, deadLetterTopic } from '../events/topics.js';

/** The headers every Atlas message carries besides its payload. */
const MESSAGE_HEADERS = {
  type: 'object',
  properties: {
    traceparent: {
      type: 'string',
      description: 'W3C trace context of the operation that produced the message',
    },
    tracestate: { type: 'string' },
  },
};

const DEAD_LETTER_HEADERS = {
  type: 'object',
  description:
    'The original headers, plus x-dlq-* headers naming the error, the original topic, partition ' +
    'and offset, the consumer group, the attempts and the time (see libs/messaging).',
  additionalProperties: { type: 'string' },
};

/**
 * An AsyncAPI 3.0 document of every Kafka topic and its payload, generated from the same zod
 * contracts that validate messages on publish and on consume, so it cannot drift from them.
 * Each topic has its dead-letter topic next to it.
 */
export function asyncApiDocument(contracts: readonly EventContract[] = ALL_CONTRACTS) {
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const contract of contracts) {
    const payload = z.toJSONSchema(contract.schema, { target: 'draft-7', io: 'output' });
    const { $schema: _dialect, ...schema } = payload;
    messages[contract.name] = {
      name: contract.name,
      title: contract.name,
      summary: `${contract.kind === 'command' ? 'Command' : 'Event'} on ${contract.topic}`,
      contentType: 'application/json',
      headers: MESSAGE_HEADERS,
      payload: schema,
      bindings: {
        kafka: {
          key: { type: 'string', description: 'the aggregate id: one aggregate, one partition' },
        },
      },
    };
    channels[channelId(contract.topic)] = {
      address: contract.topic,
      title: contract.topic,
      messages: { [contract.name]: { $ref: `#/components/messages/${contract.name}` } },
    };
    channels[channelId(deadLetterTopic(contract.topic))] = {
      address: deadLetterTopic(contract.topic),
      title: deadLetterTopic(contract.topic),
      description: `Messages of ${contract.topic} that could not be processed.`,
      messages: {
        [`${contract.name}DeadLetter`]: {
          name: `${contract.name}DeadLetter`,
          contentType: 'application/json',
          headers: DEAD_LETTER_HEADERS,
          payload: { description: 'The original value, byte for byte (it may be invalid).' },
        },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Atlas events',
      version: '1',
      description:
        'Every topic the Atlas services publish and consume. The version is part of the topic ' +
        'name; every payload carries eventId and occurredAt, and the aggregate id is the key.',
    },
    defaultContentType: 'application/json',
    channels,
    components: { messages },
  };
}

/** Channel ids are map keys and may not contain dots in every tool: use the topic's words. */
function channelId(topic: string): string {
  return topic.replaceAll('.', '_');
}
