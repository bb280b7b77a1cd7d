import { createHash } from 'node:crypto';
import {
  PaymentProvider,
  type AuthorizationRequest,
  type AuthorizationResult,
} from './payment-provider.js';

/**
 * Declines any amount above a threshold and authorizes the rest, deterministically, so tests
 * and demos drive both outcomes with real orders and no mocks.
 */
export class SimulatedPaymentProvider extends PaymentProvider {
  constructor(private readonly declineAboveCents: number) {
    super();
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    // The same request always gets the same reference, as a real provider's idempotency would.
    const reference = `sim_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
    return request.amountCents > this.declineAboveCents
      ? { outcome: 'declined', reference }
      : { outcome: 'authorized', reference };
  }
}
