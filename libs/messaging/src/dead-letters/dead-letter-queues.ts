import type { OutgoingMessage } from '../publishing/message-publisher.js';
import type { DeadLetterRecord } from './dead-letter.js';

/** A dead-letter topic and how many messages it holds. */
export interface DeadLetterTopic {
  readonly topic: string;
  readonly count: number;
}

/**
 * What the dead-letter command needs from a broker, Kafka or embedded: find the `.dlq`
 * topics, read one from the start, and publish replays. Topic names are the contracts' (any
 * Kafka namespace is applied inside).
 */
export abstract class DeadLetterQueues {
  abstract topics(): Promise<DeadLetterTopic[]>;
  abstract read(topic: string): Promise<DeadLetterRecord[]>;
  abstract publish(messages: readonly OutgoingMessage[]): Promise<void>;
  abstract close(): Promise<void>;
}
