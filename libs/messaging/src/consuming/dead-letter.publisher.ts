import { Injectable } from '@nestjs/common';
import { deadLetterTopic } from '#atlas/contracts';
import { errorDetails } from '../errors/error-details.js';
import { MessagePublisher } from '../publishing/message-publisher.js';
import { DeadLetterHeaders, type DeadLetterReason } from './dead-letter-headers.js';

/** The message as it arrived, and where from. */
export interface FailedDelivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly consumerGroup: string;
}

export interface DeliveryFailure {
  readonly reason: DeadLetterReason;
  readonly error: unknown;
  readonly attempts: number;
}

/** A stack of zod issues can be long; a header is for reading, not for archiving. */
const MAX_ERROR_MESSAGE = 2_000;

/**
 * Parks a message that cannot be processed on `<topic>.dlq`, unchanged (same key, so it stays
 * with its aggregate's partition order there too; same value and headers, so its trace goes
 * on), plus headers that say what went wrong, where, and when. An operator can fix the cause
 * and replay it to the original topic.
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(private readonly publisher: MessagePublisher) {}

  async publish(
    delivery: FailedDelivery,
    failure: DeliveryFailure,
    now: Date = new Date(),
  ): Promise<void> {
    const error = errorDetails(failure.error);
    const headers: Record<string, string> = {
      ...delivery.headers,
      [DeadLetterHeaders.reason]: failure.reason,
      [DeadLetterHeaders.errorName]: error.name,
      [DeadLetterHeaders.errorMessage]: error.message.slice(0, MAX_ERROR_MESSAGE),
      [DeadLetterHeaders.originalTopic]: delivery.topic,
      [DeadLetterHeaders.originalPartition]: String(delivery.partition),
      [DeadLetterHeaders.originalOffset]: delivery.offset,
      [DeadLetterHeaders.consumerGroup]: delivery.consumerGroup,
      [DeadLetterHeaders.attempts]: String(failure.attempts),
      [DeadLetterHeaders.failedAt]: now.toISOString(),
    };
    if (error.code !== undefined) headers[DeadLetterHeaders.errorCode] = error.code;
    else delete headers[DeadLetterHeaders.errorCode];
    await this.publisher.publish([
      { topic: deadLetterTopic(delivery.topic), key: delivery.key, value: delivery.value, headers },
    ]);
  }
}
