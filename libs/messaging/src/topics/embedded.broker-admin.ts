import { Injectable } from '@nestjs/common';
import type { TopicSpec } from '#atlas/contracts';
import type { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { MessagingError } from '../errors/messaging.error.js';
import { BrokerAdmin } from './broker-admin.js';
import { messagesBehind } from './messages-behind.js';

@Injectable()
export class EmbeddedBrokerAdmin extends BrokerAdmin {
  constructor(
    private readonly broker: EmbeddedBroker,
    private readonly consumerGroup: string,
  ) {
    super();
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    await this.broker.createTopics({
      topics: topics.map((spec) => ({ topic: spec.topic, numPartitions: spec.partitions })),
    });
  }

  ping(): Promise<void> {
    // In-process: it is reachable as long as it is open.
    if (this.broker.isClosed) {
      return Promise.reject(
        new MessagingError(
          'MESSAGING.BROKER_UNREACHABLE',
          'The embedded broker is closed; the embedded launcher closes it only at shutdown',
        ),
      );
    }
    return Promise.resolve();
  }

  async consumerLag(topics: readonly string[]): Promise<Map<string, number>> {
    const committed = await this.broker.fetchOffsets({ groupId: this.consumerGroup, topics });
    const lag = new Map<string, number>();
    for (const topic of topics) {
      const ends = await this.broker.fetchTopicOffsets(topic);
      lag.set(topic, messagesBehind(ends, committed.find((c) => c.topic === topic)?.partitions));
    }
    return lag;
  }
}
