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
    ...domainServiceEnv('orders', 3003),
    // How long the saga waits for each participant before it cancels the order.
    ORDERS_STOCK_TIMEOUT_MS: envVar.int(30_000, 100, 86_400_000),
    ORDERS_PAYMENT_TIMEOUT_MS: envVar.int(120_000, 100, 86_400_000),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseOrdersConfig(env: Env) {
  const parsed = parseConfig('orders', schema, env);
  return {
    ...domainServiceSettings(parsed),
    sagaTimeouts: {
      stockMs: parsed.ORDERS_STOCK_TIMEOUT_MS,
      paymentMs: parsed.ORDERS_PAYMENT_TIMEOUT_MS,
    },
  };
}

export type OrdersConfig = ReturnType<typeof parseOrdersConfig>;
