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
  .object(domainServiceEnv('notifications', 3005))
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseNotificationsConfig(env: Env) {
  return domainServiceSettings(parseConfig('notifications', schema, env));
}

export type NotificationsConfig = ReturnType<typeof parseNotificationsConfig>;
