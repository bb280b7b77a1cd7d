/**
 * Which open transactions wrote to the outbox, so that the relay of their database publishes
 * as soon as they commit instead of at its next poll. Keyed by the transaction's query runner
 * (one per transaction and database), so several services in one process keep apart.
 */
const writers = new WeakSet<object>();

export function markOutboxWrite(queryRunner: object): void {
  writers.add(queryRunner);
}

/** True once per transaction that wrote to the outbox. */
export function takeOutboxWrite(queryRunner: object): boolean {
  return writers.delete(queryRunner);
}
