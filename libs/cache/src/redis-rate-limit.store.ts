import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { assertValidRule } from './cache-arguments.js';
import { type RateLimitDecision, type RateLimitRule, RateLimitStore } from './rate-limit.store.js';
import { onRedis } from './redis-connection.js';
import { storeNamespace } from './store-keys.js';

/*
 * Why a sliding window log, and not GCRA: the rule says "at most `limit` in any `windowMs`",
 * and a log of request times enforces exactly that, with an exact `remaining` and an exact
 * `retryAfterMs` (when the oldest request leaves the window). GCRA keeps one number per key
 * instead of up to `limit` entries, but it enforces a steady rate with a burst allowance, so
 * its `remaining` and reset times are approximations that surprise whoever reads the headers.
 * The limits here are API limits (tens to hundreds per window), where a sorted set of that
 * size costs nothing worth trading exactness for.
 *
 * It runs as one Lua script, so reading the count and recording the request are one atomic
 * step even with many gateway replicas consuming the same key at once. Time comes from Redis
 * (TIME) rather than from each replica, so replicas whose clocks disagree still share one
 * window; Redis 5+ replicates a script's effects, which makes TIME safe to use in it.
 * Rejected requests are not recorded, so a client that waits `retryAfterMs` gets in.
 */
const SLIDING_WINDOW_LOG = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  count = count + 1
  allowed = 1
end

local resetMs = 0
local retryAfterMs = 0
if count > 0 then
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  resetMs = tonumber(newest[2]) + window - now
  redis.call('PEXPIRE', key, resetMs)
  if allowed == 0 then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    retryAfterMs = tonumber(oldest[2]) + window - now
  end
end
return { allowed, math.max(limit - count, 0), resetMs, retryAfterMs }
`;
const SCRIPT_SHA = createHash('sha1').update(SLIDING_WINDOW_LOG).digest('hex');

export interface RedisRateLimitStoreOptions {
  readonly keyPrefix: string;
}

/** The distributed rate limiter: one Redis shared by every gateway replica. */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly namespace: string;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimitStoreOptions,
  ) {
    super();
    this.namespace = storeNamespace(options.keyPrefix, 'ratelimit');
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    assertValidRule(rule);
    // A member unique to this request: two requests in the same millisecond are two entries.
    const args = [this.namespace + key, rule.limit, rule.windowMs, randomUUID()] as const;
    const reply = await onRedis(this.redis, async () => {
      try {
        return await this.redis.evalsha(SCRIPT_SHA, 1, ...args);
      } catch (error) {
        // The script cache is empty after a Redis restart or failover: send the script once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.redis.eval(SLIDING_WINDOW_LOG, 1, ...args);
      }
    });
    return { limit: rule.limit, ...parseReply(reply) };
  }
}

function parseReply(reply: unknown): Omit<RateLimitDecision, 'limit'> {
  if (Array.isArray(reply)) {
    const [allowed, remaining, resetMs, retryAfterMs]: unknown[] = reply;
    if (
      typeof allowed === 'number' &&
      typeof remaining === 'number' &&
      typeof resetMs === 'number' &&
      typeof retryAfterMs === 'number'
    ) {
      return { allowed: allowed === 1, remaining, resetMs, retryAfterMs };
    }
  }
  throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
}
