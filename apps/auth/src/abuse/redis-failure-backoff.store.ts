import type { Redis } from 'ioredis';
import { onRedis } from '#atlas/cache';
import type { BackoffPolicy } from './abuse-limits.js';
import { FailureBackoffStore, type BackoffDecision } from './failure-backoff.store.js';

/*
 * One hash per key: { failures, blockedUntil }. Refusing a waiting key, or counting the attempt
 * and setting its wait, is one script on Redis's clock, so parallel attempts and replicas with
 * drifting clocks still agree. The schedule mirrors backoffDelayMs() in abuse-limits.ts (the
 * integration test checks the two give the same waits).
 */
const ATTEMPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local blockedUntil = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0')
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if blockedUntil > now then
  return { 0, blockedUntil - now, failures }
end
failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local free = tonumber(ARGV[1])
local delay = 0
if failures > free then
  delay = math.floor(math.min(tonumber(ARGV[2]) * 2 ^ math.min(failures - free - 1, 30), tonumber(ARGV[3])))
end
redis.call('HSET', KEYS[1], 'blockedUntil', now + delay)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { 1, 0, failures }
`;

export class RedisFailureBackoffStore extends FailureBackoffStore {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {
    super();
  }

  async attempt(key: string, policy: BackoffPolicy): Promise<BackoffDecision> {
    const reply = await onRedis(this.redis, () =>
      this.redis.eval(
        ATTEMPT,
        1,
        this.namespace + key,
        policy.freeFailures,
        policy.baseDelayMs,
        policy.maxDelayMs,
        policy.memoryMs,
      ),
    );
    if (!Array.isArray(reply))
      throw new Error(`unexpected back-off reply ${JSON.stringify(reply)}`);
    const [allowed, retryAfterMs, failures]: unknown[] = reply;
    return {
      allowed: allowed === 1,
      retryAfterMs: Number(retryAfterMs),
      failures: Number(failures),
    };
  }

  async clear(key: string): Promise<void> {
    await onRedis(this.redis, () => this.redis.del(this.namespace + key));
  }
}
