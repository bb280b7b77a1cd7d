/** Metadata key under which `@OnEvent` stores the handler's contract. */
export const EVENT_CONTRACT = Symbol('atlas:event-contract');
