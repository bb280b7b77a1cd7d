export type AuthorizationResult =
  | { readonly outcome: 'authorized'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly reference: string };

export interface AuthorizationRequest {
  /** Sent to the provider so a retried call cannot charge twice. */
  readonly idempotencyKey: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** The port to a card processor; Atlas ships a simulated one so demos need no account. */
export abstract class PaymentProvider {
  abstract authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
}
