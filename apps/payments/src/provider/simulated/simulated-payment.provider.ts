import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AuthorizationRequest,
  type AuthorizationRequested,
  PaymentProvider,
} from '../payment-provider.js';
import { SimulatedProviderCallbacks } from './simulated-provider.callbacks.js';
import { SimulatedProviderLedger } from './simulated-provider.ledger.js';
import {
  SIMULATED_PROVIDER_OPTIONS,
  type SimulatedProviderOptions,
} from './simulated-provider.options.js';

/**
 * A card processor for demos and tests: it declines any amount above a threshold and
 * authorizes the rest, deterministically, and gives its answer later, through a signed
 * webhook to the gateway's public URL, exactly as a real provider would.
 */
@Injectable()
export class SimulatedPaymentProvider extends PaymentProvider {
  private readonly logger = new Logger('SimulatedPaymentProvider');

  constructor(
    private readonly ledger: SimulatedProviderLedger,
    private readonly callbacks: SimulatedProviderCallbacks,
    @Inject(SIMULATED_PROVIDER_OPTIONS) private readonly options: SimulatedProviderOptions,
  ) {
    super();
  }

  async requestAuthorization(request: AuthorizationRequest): Promise<AuthorizationRequested> {
    const reference = await this.ledger.recordAuthorization({
      ...request,
      outcome: request.amountCents > this.options.declineAboveCents ? 'declined' : 'authorized',
      callbackDueInMs: this.options.callbackDelayMs,
    });
    this.callbacks.wakeIn(this.options.callbackDelayMs);
    return { reference };
  }

  async void(reference: string): Promise<void> {
    if (!(await this.ledger.void(reference))) {
      this.logger.warn({ reference }, 'void for an unknown authorization ignored');
    }
  }
}
