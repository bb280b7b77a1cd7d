import { Injectable } from '@nestjs/common';
import type { TopicSpec } from '#atlas/contracts';
import type { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { MessagingError } from '../errors/messaging.error.js';
import { BrokerAdmin } from './broker-admin.js';

@Injectable()
export class EmbeddedBrokerAdmin extends BrokerAdmin {
  constructor(private readonly broker: EmbeddedBroker) {
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
}
