import { describe, expect, it } from '@jest/globals';
import { SimulatedPaymentProvider } from './simulated-payment.provider.js';

describe('SimulatedPaymentProvider', () => {
  const provider = new SimulatedPaymentProvider(100_000);

  it('authorizes up to the threshold and declines above it', async () => {
    await expect(
      provider.authorize({ idempotencyKey: 'o-1', amountCents: 100_000, currency: 'EUR' }),
    ).resolves.toMatchObject({ outcome: 'authorized' });
    await expect(
      provider.authorize({ idempotencyKey: 'o-2', amountCents: 100_001, currency: 'EUR' }),
    ).resolves.toMatchObject({ outcome: 'declined' });
  });

  it('answers a repeated request with the same reference', async () => {
    const first = await provider.authorize({
      idempotencyKey: 'o-3',
      amountCents: 10,
      currency: 'EUR',
    });
    const again = await provider.authorize({
      idempotencyKey: 'o-3',
      amountCents: 10,
      currency: 'EUR',
    });
    const other = await provider.authorize({
      idempotencyKey: 'o-4',
      amountCents: 10,
      currency: 'EUR',
    });
    expect(again.reference).toBe(first.reference);
    expect(other.reference).not.toBe(first.reference);
  });
});
