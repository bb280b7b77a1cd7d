export type MessagingErrorCode =
  | 'MESSAGING.INVALID_EVENT'
  | 'MESSAGING.NOT_IN_TRANSACTION'
  | 'MESSAGING.UNKNOWN_TOPIC'
  | 'MESSAGING.BROKER_UNREACHABLE'
  | 'MESSAGING.PUBLISH_TIMEOUT'
  | 'MESSAGING.MISSING_TABLES';

/** An error of this library, with a stable code and a message that says how to fix it. */
export class MessagingError extends Error {
  override readonly name = 'MessagingError';

  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
