import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the inbox learnt about the delivery being handled: the interceptor that runs the handler
 * opens a scope, and `InboxService.processOnce`, deep inside the handler, marks it a duplicate.
 * A scope rather than a return value, because handlers are free to return nothing.
 */
interface DeliveryScope {
  duplicate: boolean;
}

const scope = new AsyncLocalStorage<DeliveryScope>();

/** Runs one handler attempt and tells whether the inbox dropped its event as already seen. */
export async function runDelivery(attempt: () => Promise<void>): Promise<{ duplicate: boolean }> {
  const state: DeliveryScope = { duplicate: false };
  await scope.run(state, attempt);
  return { duplicate: state.duplicate };
}

/** Called by the inbox; outside a consumer (an HTTP webhook, a test) there is no scope to mark. */
export function markDuplicateDelivery(): void {
  const state = scope.getStore();
  if (state) state.duplicate = true;
}
