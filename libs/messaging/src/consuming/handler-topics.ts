import { deadLetterTopic, type TopicSpec } from '#atlas/contracts';

/**
 * The topics a consumer needs to exist before it subscribes: its handlers' topics, and their
 * dead-letter topics, which its `@OnEvent` interceptor writes to. A handler topic that is not
 * in the service's topic list would subscribe to a topic nobody created, so that fails at start.
 */
export function topicsForHandlers(
  handlerTopics: readonly string[],
  topics: readonly TopicSpec[],
): TopicSpec[] {
  const missing = handlerTopics.filter((topic) => !topics.some((spec) => spec.topic === topic));
  if (missing.length > 0) {
    throw new Error(
      `No topic definition for ${missing.join(', ')}, which @OnEvent handlers listen to: add the ` +
        'contract to ALL_CONTRACTS in libs/contracts, or pass the topic in consumerTransport({ topics })',
    );
  }
  const needed = new Set(handlerTopics.flatMap((topic) => [topic, deadLetterTopic(topic)]));
  return topics.filter((spec) => needed.has(spec.topic));
}
