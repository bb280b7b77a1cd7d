import { z } from 'zod';
import {
  domainServiceEnv,
  domainServiceSettings,
  envVar,
  evenWithOtherProblems,
  parseConfig,
  requireAdapterAddresses,
  type Env,
} from '#atlas/config';

const schema = z
  .object({
    ...domainServiceEnv('payments', 3004),
    PAYMENT_DECLINE_ABOVE_CENTS: envVar.int(100_000, 0),
    PAYMENT_WEBHOOK_SECRET: z
      .string()
      .min(32)
      .describe(
        'the HMAC key shared with the payment provider, at least 32 characters (openssl rand -hex 32)',
      ),
    PAYMENT_WEBHOOK_TOLERANCE_SECONDS: envVar.int(300, 1, 3_600),
    PAYMENT_PROVIDER_WEBHOOK_URL: envVar
      .url('https://api.example.com/v1/payments/provider-webhook', ['http', 'https'])
      .default('http://127.0.0.1:3000/v1/payments/provider-webhook'),
    PAYMENT_PROVIDER_CALLBACK_DELAY_MS: envVar.int(100, 0, 3_600_000),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parsePaymentsConfig(env: Env) {
  const parsed = parseConfig('payments', schema, env);
  return {
    ...domainServiceSettings(parsed),
    webhook: {
      secret: parsed.PAYMENT_WEBHOOK_SECRET,
      toleranceSeconds: parsed.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
    },
    /** The simulated provider signs with the same secret: it stands in for the other party. */
    provider: {
      declineAboveCents: parsed.PAYMENT_DECLINE_ABOVE_CENTS,
      callbackDelayMs: parsed.PAYMENT_PROVIDER_CALLBACK_DELAY_MS,
      webhookUrl: parsed.PAYMENT_PROVIDER_WEBHOOK_URL,
      webhookSecret: parsed.PAYMENT_WEBHOOK_SECRET,
    },
  };
}

export type PaymentsConfig = ReturnType<typeof parsePaymentsConfig>;
