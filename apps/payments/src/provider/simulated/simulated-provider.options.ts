/** How the simulated provider behaves; from payments' configuration. */
export interface SimulatedProviderOptions {
  /** Amounts above this are declined, so tests and demos drive both outcomes without mocks. */
  readonly declineAboveCents: number;
  /** How long after a request the provider calls back. */
  readonly callbackDelayMs: number;
  /** Where it calls back: the gateway's public `POST /v1/payments/provider-webhook`. */
  readonly webhookUrl: string;
  /** The HMAC key it signs callbacks with, shared with payments. */
  readonly webhookSecret: string;
}

export const SIMULATED_PROVIDER_OPTIONS = Symbol('SIMULATED_PROVIDER_OPTIONS');
