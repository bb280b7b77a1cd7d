import { z } from 'zod';
import {
  cacheEnv,
  cacheSettings,
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
    ...domainServiceEnv('notifications', 3005),
    // Live order updates reach the gateways over Redis pub/sub.
    ...cacheEnv,
    WEBHOOK_ALLOWED_TARGETS: envVar
      .list('receiver.internal:8080,10.1.2.3')
      .default([])
      .describe(
        'hosts (or host:port) webhooks may reach although they are private; empty in production',
      ),
    WEBHOOK_MAX_ATTEMPTS: envVar.int(10, 1, 50),
    WEBHOOK_RETRY_BASE_MS: envVar.int(10_000, 10, 3_600_000),
  })
  .superRefine(requireAdapterAddresses, evenWithOtherProblems);

export function parseNotificationsConfig(env: Env) {
  const parsed = parseConfig('notifications', schema, env);
  return {
    ...domainServiceSettings(parsed),
    cache: cacheSettings(parsed),
    webhooks: {
      allowedTargets: parsed.WEBHOOK_ALLOWED_TARGETS,
      retry: {
        maxAttempts: parsed.WEBHOOK_MAX_ATTEMPTS,
        baseDelayMs: parsed.WEBHOOK_RETRY_BASE_MS,
        // Six hours: with the defaults, the last of ten attempts comes a day or so after the event.
        maxDelayMs: Math.max(parsed.WEBHOOK_RETRY_BASE_MS, 6 * 60 * 60 * 1000),
      },
    },
  };
}

export type NotificationsConfig = ReturnType<typeof parseNotificationsConfig>;
