export interface AuthorizationRequest {
  /** The payment id: asking again with the same key is answered with the same reference. */
  readonly idempotencyKey: string;
  readonly amountCents: number;
  readonly currency: string;
}

export interface AuthorizationRequested {
  /** The provider's id of the authorization; its callback names it too. */
  readonly reference: string;
}

/**
 * The port to a card processor, shaped like the real ones: an authorization is requested and
 * answered later, through a signed webhook (`POST /v1/payments/provider-webhook`); a void
 * releases the hold an authorization placed. Both calls are idempotent, which is what lets
 * payments call the provider outside its own transactions and simply call again after a crash.
 * Atlas ships a simulated provider so demos need no account.
 */
export abstract class PaymentProvider {
  abstract requestAuthorization(request: AuthorizationRequest): Promise<AuthorizationRequested>;

  /** Releases the authorization; a pending one will not be approved any more. */
  abstract void(reference: string): Promise<void>;
}
