import { Logger } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { TopicSpec } from '#atlas/contracts';
import { sleep } from '#atlas/resilience';

const logger = new Logger('KafkaTopics');

/** The admin calls this needs; kafkajs's admin and Nest's typing of it both fit. */
export type TopicAdminClient = Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata'>;

/**
 * Creates the missing topics and waits until every partition of every topic has a leader.
 * Consumers must not subscribe before that: under KRaft, subscribing to a topic that does not
 * exist fails instead of creating it.
 */
export async function ensureKafkaTopics(
  admin: TopicAdminClient,
  topics: readonly TopicSpec[],
  timeoutMs = 30_000,
): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.partitions })),
      waitForLeaders: true,
      timeout: timeoutMs,
    });
  }
  // kafkajs skips its own wait when another replica created a topic first (TOPIC_ALREADY_EXISTS),
  // and topics that already existed may still be electing leaders: check them all.
  await waitForLeaders(admin, topics, timeoutMs);
}

async function waitForLeaders(
  admin: TopicAdminClient,
  topics: readonly TopicSpec[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const leaderless = metadata.topics.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) {
        warnAboutPartitionCounts(topics, metadata.topics);
        return;
      }
      lastProblem = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      lastProblem = String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka topics are not ready after ${timeoutMs} ms (${lastProblem}); check the broker logs`,
      );
    }
    await sleep(100);
  }
}

function warnAboutPartitionCounts(
  expected: readonly TopicSpec[],
  actual: readonly { name: string; partitions: readonly unknown[] }[],
): void {
  for (const spec of expected) {
    const found = actual.find((t) => t.name === spec.topic);
    if (found && found.partitions.length !== spec.partitions) {
      // Order per key still holds, but keys map to other partition numbers than in embedded mode.
      logger.warn(
        `Topic ${spec.topic} has ${found.partitions.length} partitions where the contracts say ` +
          `${spec.partitions}; it was created earlier with another count`,
      );
    }
  }
}
