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
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parsePaymentsConfig(env: Env) {
  const parsed = parseConfig('payments', schema, env);
  return {
    ...domainServiceSettings(parsed),
    provider: { declineAboveCents: parsed.PAYMENT_DECLINE_ABOVE_CENTS },
  };
}

export type PaymentsConfig = ReturnType<typeof parsePaymentsConfig>;
