import type { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { MessagingError } from '../errors/messaging.error.js';
import { EmbeddedMessagePublisher } from '../publishing/embedded.message-publisher.js';
import type { OutgoingMessage } from '../publishing/message-publisher.js';
import { type DeadLetterRecord, isDeadLetterTopic } from './dead-letter.js';
import { DeadLetterQueues, type DeadLetterTopic } from './dead-letter-queues.js';

/**
 * Dead-letter topics of the embedded broker, opened on its data directory while the platform
 * is stopped (two processes must not write the same logs). A replay is appended to the
 * original topic's log, and the consumer groups pick it up from their committed offsets at
 * the next start.
 */
export class EmbeddedDeadLetterQueues extends DeadLetterQueues {
  private readonly publisher: EmbeddedMessagePublisher;

  constructor(private readonly broker: EmbeddedBroker) {
    super();
    this.publisher = new EmbeddedMessagePublisher(broker);
  }

  async topics(): Promise<DeadLetterTopic[]> {
    const topics: DeadLetterTopic[] = [];
    for (const topic of (await this.broker.listTopics()).filter(isDeadLetterTopic)) {
      const offsets = await this.broker.fetchTopicOffsets(topic);
      topics.push({ topic, count: offsets.reduce((sum, p) => sum + Number(p.high), 0) });
    }
    return topics;
  }

  async read(topic: string): Promise<DeadLetterRecord[]> {
    if (!(await this.broker.listTopics()).includes(topic)) {
      throw new MessagingError('MESSAGING.UNKNOWN_TOPIC', `There is no topic ${topic}`);
    }
    const records: DeadLetterRecord[] = [];
    for (let partition = 0; partition < this.broker.partitionsOf(topic); partition++) {
      const log = this.broker.log(topic, partition);
      for (let offset = 0; offset < log.endOffset; offset++) {
        const stored = log.read(offset);
        if (!stored) continue;
        records.push({
          topic,
          partition,
          offset: String(offset),
          key: stored.key?.toString('utf8') ?? null,
          value: stored.value,
          headers: Object.fromEntries(
            Object.entries(stored.headers).map(([name, value]) => [name, value.toString('utf8')]),
          ),
        });
      }
    }
    return records;
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.publisher.publish(messages);
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}
