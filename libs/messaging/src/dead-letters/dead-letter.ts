import { DEAD_LETTER_HEADER_PREFIX, DeadLetterHeaders } from '../consuming/dead-letter-headers.js';
import type { OutgoingMessage } from '../publishing/message-publisher.js';

/** A message as read back from a `<topic>.dlq` topic. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A dead letter: the original message, and what the consumer said went wrong with it. */
export interface DeadLetter {
  /** Where it is parked: `<dlq topic>/<partition>/<offset>`. */
  readonly id: string;
  readonly record: DeadLetterRecord;
  /** The topic it failed on, and goes back to when replayed. */
  readonly originalTopic: string;
  /** The message's own headers (its `traceparent`, ...), without the dead-letter ones. */
  readonly originalHeaders: Readonly<Record<string, string>>;
  readonly failure: {
    readonly reason: string | undefined;
    readonly error: string | undefined;
    readonly errorCode: string | undefined;
    readonly consumerGroup: string | undefined;
    readonly attempts: string | undefined;
    readonly failedAt: string | undefined;
    readonly originalPartition: string | undefined;
    readonly originalOffset: string | undefined;
    /** Set when this message had itself been replayed from a dead-letter topic before. */
    readonly replayOf: string | undefined;
  };
  /** The payload's `eventId`, when it is JSON that has one. */
  readonly eventId: string | undefined;
}

const DLQ_SUFFIX = '.dlq';

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}

export function readDeadLetter(record: DeadLetterRecord): DeadLetter {
  const header = (name: string): string | undefined => record.headers[name];
  const originalHeaders = Object.fromEntries(
    Object.entries(record.headers).filter(([name]) => !name.startsWith(DEAD_LETTER_HEADER_PREFIX)),
  );
  const errorName = header(DeadLetterHeaders.errorName);
  const errorMessage = header(DeadLetterHeaders.errorMessage);
  return {
    id: `${record.topic}/${record.partition}/${record.offset}`,
    record,
    originalTopic:
      header(DeadLetterHeaders.originalTopic) ?? record.topic.slice(0, -DLQ_SUFFIX.length),
    originalHeaders,
    failure: {
      reason: header(DeadLetterHeaders.reason),
      error:
        errorName || errorMessage ? `${errorName ?? 'Error'}: ${errorMessage ?? ''}` : undefined,
      errorCode: header(DeadLetterHeaders.errorCode),
      consumerGroup: header(DeadLetterHeaders.consumerGroup),
      attempts: header(DeadLetterHeaders.attempts),
      failedAt: header(DeadLetterHeaders.failedAt),
      originalPartition: header(DeadLetterHeaders.originalPartition),
      originalOffset: header(DeadLetterHeaders.originalOffset),
      replayOf: header(DeadLetterHeaders.replayOf),
    },
    eventId: eventIdOf(record.value),
  };
}

/**
 * The message that puts a dead letter back where it failed: the original topic, key, value
 * (byte for byte) and headers, plus two headers that mark it as a replay. The key keeps it
 * on its aggregate's partition. Consumers dedupe on `eventId`, so replaying a message whose
 * effect was applied after all (or replaying it twice) changes nothing.
 */
export function replayOf(deadLetter: DeadLetter, now: Date = new Date()): OutgoingMessage {
  return {
    topic: deadLetter.originalTopic,
    key: deadLetter.record.key,
    value: deadLetter.record.value,
    headers: {
      ...deadLetter.originalHeaders,
      [DeadLetterHeaders.replayOf]: deadLetter.id,
      [DeadLetterHeaders.replayedAt]: now.toISOString(),
    },
  };
}

function eventIdOf(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'eventId' in parsed) {
      return String(parsed.eventId);
    }
  } catch {
    // Not JSON: an invalid payload is a common reason to be here.
  }
  return undefined;
}
