/**
 * How many password logins per second the gateway serves, in distributed mode on this
 * machine: argon2id (m = 19 MiB, t = 2) is deliberately expensive, so this is the figure that
 * sizes the auth service.
 *
 *   npm run bench:login                       # 20 s, 16 connections
 *   BENCH_SECONDS=60 BENCH_CONNECTIONS=32 npm run bench:login
 *
 * Starts the six built apps as separate processes against the PostgreSQL, Kafka and Redis of
 * ATLAS_POSTGRES_URL, KAFKA_BROKERS and REDIS_URL (local defaults), each with fresh databases,
 * a Kafka and a Redis namespace of its own (dropped or left to expire afterwards). Registers
 * BENCH_USERS accounts, then autocannon sends POST /v1/auth/login with correct passwords,
 * round-robin over them (so no single account's limits are reached), through the gateway. All
 * requests come from this machine's one address, so the gateway's per-IP limits are raised for
 * the run through its configuration (RATE_LIMIT_PER_MINUTE, AUTH_RATE_LIMIT_PER_MINUTE below),
 * not in code: this measures work, not the limiter. Any answer other than 2xx fails the run.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { ARGON2ID } from '../apps/auth/src/credentials/password-hasher.js';
import { startBenchPlatform } from './support/bench-platform.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const userCount = Number(process.env.BENCH_USERS ?? 300);

const bench = await startBenchPlatform({
  RATE_LIMIT_PER_MINUTE: '10000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
});
const platform = bench.platform;

try {
  const users = await registerUsers(platform.gatewayUrl, userCount);
  let next = 0;
  const result = await autocannon({
    url: `${platform.gatewayUrl}/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          const user = users[next % users.length];
          next += 1;
          return { ...request, body: JSON.stringify(user) };
        },
      },
    ],
  });
  const ok = result['2xx'];
  const loginsPerSecond = ok / result.duration;
  console.log(
    [
      `login throughput through the gateway (distributed mode, ${cpus().length} cores, ` +
        `argon2id m=${ARGON2ID.memoryCost} KiB t=${ARGON2ID.timeCost} p=${ARGON2ID.parallelism})`,
      `  ${loginsPerSecond.toFixed(1)} logins/s over ${result.duration.toFixed(1)} s with ` +
        `${connections} connections (${ok} successful, ${result.non2xx} other answers, ` +
        `${result.errors} errors, ${result.timeouts} timeouts)`,
      `  latency p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, ` +
        `p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    ].join('\n'),
  );
  // A 429 (a limit not raised enough) or an error is not a login: the figure would measure
  // the limiter or a fault, not argon2id. Say so, and fail, rather than print a wrong number.
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    console.error(
      'login throughput: some answers were not 2xx; the figure above is not valid ' +
        '(raise BENCH_USERS if the per-account limit of 60 logins per 5 minutes was reached)',
    );
    process.exitCode = 1;
  }
} finally {
  await bench.cleanUp();
}

async function registerUsers(gateway: string, count: number) {
  const users: { email: string; password: string }[] = [];
  const batch = 8;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async () => {
        const user = {
          email: `bench-${randomUUID()}@example.com`,
          password: `bench ${randomUUID()}`,
        };
        const response = await fetch(`${gateway}/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...user, displayName: 'Bench' }),
        });
        if (response.status !== 201) {
          throw new Error(`register answered ${response.status}: ${await response.text()}`);
        }
        users.push(user);
      }),
    );
  }
  return users;
}
