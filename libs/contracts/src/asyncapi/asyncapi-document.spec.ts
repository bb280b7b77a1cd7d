import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { newEvent } from '../events/event-contract.js';
import { OrderPlaced } from '../events/orders.events.js';
import { ALL_TOPICS } from '../events/topics.js';
import { asyncApiDocument } from './asyncapi-document.js';

const require = createRequire(import.meta.url);

describe('asyncApiDocument', () => {
  const document = asyncApiDocument();

  it('is a valid AsyncAPI 3.0 document', () => {
    const specification = z
      .record(z.string(), z.unknown())
      .parse(require('@asyncapi/specs/schemas/3.0.0-without-$id.json'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(specification);
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a channel for every topic the services create, dead-letter topics included', () => {
    const addresses = Object.values(document.channels).map(
      (channel) => z.object({ address: z.string() }).parse(channel).address,
    );
    expect(addresses.sort()).toEqual(ALL_TOPICS.map((topic) => topic.topic).sort());
  });

  it('describes payloads that accept real events and refuse broken ones', () => {
    const schema = z
      .object({ payload: z.record(z.string(), z.unknown()) })
      .parse(document.components.messages.OrderPlaced).payload;
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const event = newEvent(OrderPlaced, {
      orderId: crypto.randomUUID(),
      customerId: crypto.randomUUID(),
      items: [{ productId: crypto.randomUUID(), quantity: 2 }],
    });
    expect(validate(event)).toBe(true);
    expect(validate({ ...event, items: [] })).toBe(false);
    expect(validate({ ...event, eventId: 'not-a-uuid' })).toBe(false);
  });
});
