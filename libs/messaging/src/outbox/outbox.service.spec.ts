import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { newEvent } from '#atlas/contracts';
import { fakeEntityManager } from '../../test/fake-database.js';
import { widgetRegistered } from '../../test/test-contracts.js';
import { installTestTracing } from '../../test/tracing.js';
import { OutboxService } from './outbox.service.js';

const WidgetRegistered = widgetRegistered('widgets.widget-registered.v1');

beforeAll(() => {
  installTestTracing();
});

describe('OutboxService.enqueue', () => {
  it('inserts the event with its contract’s topic and key and the current traceparent', async () => {
    const manager = fakeEntityManager(true);
    const event = newEvent(WidgetRegistered, { widgetId: randomUUID(), name: 'sprocket' });

    const traceId = await trace.getTracer('test').startActiveSpan('POST /widgets', async (span) => {
      await new OutboxService().enqueue(manager, WidgetRegistered, event);
      span.end();
      return span.spanContext().traceId;
    });

    expect(manager.queries).toHaveLength(1);
    const [topic, key, payload, headers] = manager.queries[0]?.parameters ?? [];
    expect(topic).toBe(WidgetRegistered.topic);
    expect(key).toBe(event.widgetId);
    expect(JSON.parse(String(payload))).toEqual(event);
    expect(JSON.parse(String(headers))).toEqual({
      traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)),
    });
  });

  it('refuses an event that breaks its contract, with a stable code', async () => {
    const manager = fakeEntityManager(true);
    const invalid = {
      ...newEvent(WidgetRegistered, { widgetId: randomUUID(), name: 'x' }),
      name: '',
    };
    await expect(
      new OutboxService().enqueue(manager, WidgetRegistered, invalid),
    ).rejects.toMatchObject({
      code: 'MESSAGING.INVALID_EVENT',
    });
    expect(manager.queries).toEqual([]);
  });

  it('refuses to write outside a transaction, where the event could commit without its change', async () => {
    const manager = fakeEntityManager(false);
    const event = newEvent(WidgetRegistered, { widgetId: randomUUID(), name: 'sprocket' });
    await expect(new OutboxService().enqueue(manager, WidgetRegistered, event)).rejects.toThrow(
      'with the EntityManager of the transaction',
    );
  });
});
