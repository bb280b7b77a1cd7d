import { Injectable } from '@nestjs/common';
import type { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { MessagingError } from '../errors/messaging.error.js';
import { byTopic, MessagePublisher, type OutgoingMessage } from './message-publisher.js';

/** Publishes to the in-process broker; `publish` resolves once the messages are in its logs. */
@Injectable()
export class EmbeddedMessagePublisher extends MessagePublisher {
  constructor(private readonly broker: EmbeddedBroker) {
    super();
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    const batches = byTopic(messages);
    // Check every topic first, so a batch with one unknown topic appends nothing.
    const known = new Set(await this.broker.listTopics());
    const unknown = batches.map((batch) => batch.topic).filter((topic) => !known.has(topic));
    if (unknown.length > 0) {
      throw new MessagingError(
        'MESSAGING.UNKNOWN_TOPIC',
        `Cannot publish to ${unknown.join(', ')}: no such topic. Topics are created at start-up ` +
          'from MessagingModule.forService({ topics }), which defaults to ALL_TOPICS from contracts.',
      );
    }
    for (const batch of batches) await this.broker.send(batch);
  }
}
