import type { ProviderCallbackType } from '#atlas/contracts';

/**
 * - `PENDING`: the provider was (or is about to be) asked; its answer comes by webhook.
 * - `AUTHORIZED`, `DECLINED`: the provider answered.
 * - `VOIDED`: the saga gave up on the order; nothing is held for it (or ever will be).
 */
export type PaymentStatus = 'PENDING' | 'AUTHORIZED' | 'DECLINED' | 'VOIDED';

/** What a provider callback does to a payment in a given state. */
export type CallbackDecision =
  | { readonly kind: 'settle'; readonly status: 'AUTHORIZED' | 'DECLINED' }
  /** The approval came after the void: the hold it created must be released at once. */
  | { readonly kind: 'release-hold' }
  | { readonly kind: 'ignore' };

export function decideOnCallback(
  status: PaymentStatus,
  type: ProviderCallbackType,
): CallbackDecision {
  switch (status) {
    case 'PENDING':
      return {
        kind: 'settle',
        status: type === 'authorization.succeeded' ? 'AUTHORIZED' : 'DECLINED',
      };
    case 'VOIDED':
      return type === 'authorization.succeeded' ? { kind: 'release-hold' } : { kind: 'ignore' };
    case 'AUTHORIZED':
    case 'DECLINED':
      // Settled by an earlier callback; a second opinion changes nothing.
      return { kind: 'ignore' };
    default: {
      const unknown: never = status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}

/** What the saga's `VoidPayment` does to a payment in a given state. */
export type VoidDecision =
  /** Something is or may be held: release it at the provider and mark the payment void. */
  | { readonly kind: 'void' }
  /** The provider declined: nothing was held, but the saga still hears that it is done. */
  | { readonly kind: 'nothing-held' }
  | { readonly kind: 'already-void' };

export function decideOnVoid(status: PaymentStatus): VoidDecision {
  switch (status) {
    case 'PENDING':
    case 'AUTHORIZED':
      return { kind: 'void' };
    case 'DECLINED':
      return { kind: 'nothing-held' };
    case 'VOIDED':
      return { kind: 'already-void' };
    default: {
      const unknown: never = status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}
