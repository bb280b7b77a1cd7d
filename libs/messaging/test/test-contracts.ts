import { z } from 'zod';
import { defineEvent, deadLetterTopic, type TopicSpec } from '#atlas/contracts';

/**
 * A contract of the test's own, on a topic of its own (`topic` should come from uniqueName()),
 * so tests never share topics or consumer groups.
 */
export function widgetRegistered(topic: string) {
  return defineEvent({
    name: 'WidgetRegistered',
    topic,
    shape: { widgetId: z.uuid(), name: z.string().min(1) },
    key: (event) => event.widgetId,
  });
}

export type WidgetRegistered = ReturnType<typeof widgetRegistered>;

/** The topic and its dead-letter topic, as ALL_TOPICS lists every contract's. */
export function topicSpecs(topic: string, partitions = 3): TopicSpec[] {
  return [
    { topic, partitions },
    { topic: deadLetterTopic(topic), partitions: 1 },
  ];
}
