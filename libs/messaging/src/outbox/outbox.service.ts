import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { EventContract, MessageOf } from '#atlas/contracts';
import { MessagingError } from '../errors/messaging.error.js';
import { currentTraceHeaders } from '../tracing/trace-headers.js';
import { markOutboxWrite } from './outbox-commits.js';

/**
 * Writes events to the outbox inside the caller's transaction, so an event exists if and only
 * if the state change it describes committed; the relay publishes it afterwards.
 *
 * ```ts
 * await dataSource.transaction(async (manager) => {
 *   await manager.insert(Order, order);
 *   await this.outbox.enqueue(manager, OrderPlaced, newEvent(OrderPlaced, { ... }));
 * });
 * ```
 */
@Injectable()
export class OutboxService {
  async enqueue<C extends EventContract>(
    manager: EntityManager,
    contract: C,
    event: MessageOf<C>,
  ): Promise<void> {
    const transaction = manager.queryRunner;
    if (!transaction?.isTransactionActive) {
      throw new MessagingError(
        'MESSAGING.NOT_IN_TRANSACTION',
        `Enqueue ${contract.name} with the EntityManager of the transaction that changes the ` +
          'state (dataSource.transaction(async (manager) => ...)); otherwise the event and the ' +
          'change can commit separately',
      );
    }
    const parsed = contract.schema.safeParse(event);
    if (!parsed.success) {
      throw new MessagingError(
        'MESSAGING.INVALID_EVENT',
        `${contract.name} does not match its contract: ${z.prettifyError(parsed.error)}`,
      );
    }
    await manager.query(
      'INSERT INTO outbox (topic, key, payload, headers) VALUES ($1, $2, $3, $4)',
      [
        contract.topic,
        contract.key(parsed.data),
        JSON.stringify(parsed.data),
        // The request's trace travels with the event, so the consumer's span joins it.
        JSON.stringify(currentTraceHeaders()),
      ],
    );
    markOutboxWrite(transaction);
  }
}
