import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { EventContract } from '#atlas/contracts';
import { EVENT_CONTRACT } from './event-contract.metadata.js';
import { OnEventInterceptor } from './on-event.interceptor.js';

/**
 * Marks a controller method as the handler of one event contract:
 *
 * ```ts
 * @OnEvent(OrderPlaced)
 * async onOrderPlaced(@Payload() event: MessageOf<typeof OrderPlaced>) { ... }
 * ```
 *
 * The handler receives the event already validated against the contract. Invalid messages go
 * to `<topic>.dlq` at once; a handler that throws is retried a few times with backoff, then
 * its message goes to `<topic>.dlq` too. Either way the partition moves on. Messages can still
 * arrive twice (after a crash or a rebalance): make the effect idempotent with `InboxService`.
 */
export function OnEvent(contract: EventContract): MethodDecorator {
  return applyDecorators(
    // oxlint-disable-next-line typescript/no-unnecessary-type-arguments -- picks the overload typed as a plain MethodDecorator
    EventPattern<string>(contract.topic),
    SetMetadata(EVENT_CONTRACT, contract),
    UseInterceptors(OnEventInterceptor),
  );
}
