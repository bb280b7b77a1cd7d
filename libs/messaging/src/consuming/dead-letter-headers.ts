/** Headers a dead letter carries on top of the original message's own. */
export const DeadLetterHeaders = {
  /** `invalid-payload` (failed its contract, never retried) or `handler-failed` (retries exhausted). */
  reason: 'x-dlq-reason',
  errorName: 'x-dlq-error-name',
  errorMessage: 'x-dlq-error-message',
  /** The error's stable code (`CATALOG.OUT_OF_STOCK`), when it has one. */
  errorCode: 'x-dlq-error-code',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumerGroup: 'x-dlq-consumer-group',
  /** How many times the handler ran (0 when the payload was invalid). */
  attempts: 'x-dlq-attempts',
  /** ISO 8601. */
  failedAt: 'x-dlq-failed-at',
  /**
   * Set on a message replayed from a dead-letter topic (`npm run dlq -- replay`): where it was
   * parked (`<dlq topic>/<partition>/<offset>`), so consumers and people can tell a replay.
   */
  replayOf: 'x-dlq-replay-of',
  /** ISO 8601, with `replayOf`. */
  replayedAt: 'x-dlq-replayed-at',
} as const;

/** Every header above starts with this: what is left without them is the original message's. */
export const DEAD_LETTER_HEADER_PREFIX = 'x-dlq-';

export type DeadLetterReason = 'invalid-payload' | 'handler-failed';
