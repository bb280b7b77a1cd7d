import { z } from 'zod';
import {
  domainServiceEnv,
  domainServiceSettings,
  evenWithOtherProblems,
  parseConfig,
  requireAdapterAddresses,
  type Env,
} from '#atlas/config';

const schema = z
  .object(domainServiceEnv('orders', 3003))
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseOrdersConfig(env: Env) {
  return domainServiceSettings(parseConfig('orders', schema, env));
}

export type OrdersConfig = ReturnType<typeof parseOrdersConfig>;
