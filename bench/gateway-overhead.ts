/**
 * What the gateway costs: one cached product read, measured three ways in one run.
 *
 *   npm run bench:gateway
 *
 * 1. a bare Fastify hello-world in its own process (the floor for Node + Fastify here);
 * 2. `GET /v1/products/:id` from the catalog directly (its two-level cache warm);
 * 3. the same read through the gateway with a valid access token: JWT verification, the
 *    session revocation check and the per-user rate limit in Redis, the upstream policy, the
 *    keep-alive pool to the catalog, and the catalog's work of (2).
 *
 * Each is loaded by autocannon for BENCH_SECONDS (default 15) with BENCH_CONNECTIONS
 * (default 32) connections after a short warm-up; the platform is the distributed one on the
 * machine's PostgreSQL, Redis and Kafka. Every process shares this machine's cores with
 * autocannon, so compare the ratios, not the absolute figures, with other machines.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import { envVar, parseConfig } from '#atlas/config';
import { Product } from '#atlas/contracts';
import { startBenchPlatform } from './support/bench-platform.js';

const config = parseConfig(
  'bench:gateway',
  z.object({
    BENCH_SECONDS: envVar.int(15, 1),
    BENCH_CONNECTIONS: envVar.int(32, 1, 1_000),
  }),
  process.env,
);
const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin passphrase' };

const HELLO = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: app.server.address().port }));
`;

interface Figures {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

async function load(label: string, url: string, headers: Record<string, string> = {}) {
  await autocannon({ url, headers, connections: config.BENCH_CONNECTIONS, duration: 2 });
  const result = await autocannon({
    url,
    headers,
    connections: config.BENCH_CONNECTIONS,
    duration: config.BENCH_SECONDS,
  });
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  } satisfies Figures;
}

const hello = spawn(process.execPath, ['--input-type=module', '-e', HELLO], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const bench = await startBenchPlatform({
  ATLAS_ADMIN_EMAIL: ADMIN.email,
  ATLAS_ADMIN_PASSWORD: ADMIN.password,
  RATE_LIMIT_PER_MINUTE: '100000000',
  USER_RATE_LIMIT_PER_MINUTE: '100000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
});

try {
  if (!hello.stdout) throw new Error('the hello-world server has no stdout');
  const [line] = await once(createInterface({ input: hello.stdout }), 'line');
  const helloPort = z.object({ port: z.number() }).parse(JSON.parse(String(line))).port;

  const client = new AtlasClient(bench.platform.gatewayUrl);
  const admin = await client.login(ADMIN.email, ADMIN.password);
  const product = (
    await client.expect(201, Product, 'POST', '/v1/products', {
      token: admin.accessToken,
      body: {
        sku: 'BENCH-READ',
        name: 'Benchmark read',
        priceCents: 100,
        currency: 'EUR',
        stock: 1,
      },
    })
  ).body;
  const customer = await client.newCustomer();
  const path = `/v1/products/${product.id}`;

  const figures = [
    await load('bare Fastify hello-world', `http://127.0.0.1:${helloPort}/`),
    await load('catalog directly', `http://127.0.0.1:${bench.ports.catalog}${path}`),
    await load('through the gateway, with a token', `${bench.platform.gatewayUrl}${path}`, {
      authorization: `Bearer ${customer.token}`,
    }),
  ];
  const [floor, direct, gateway] = figures;
  console.log(
    [
      '',
      `Cached product read, ${config.BENCH_CONNECTIONS} connections, ${config.BENCH_SECONDS} s each, ` +
        `${cpus().length} cores shared by every process and autocannon`,
      ...figures.map(
        (f) =>
          `  ${f.label.padEnd(36)} ${f.requestsPerSecond.toFixed(0).padStart(7)} req/s   ` +
          `p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms` +
          (f.failures > 0 ? `   (${f.failures} failed)` : ''),
      ),
      gateway && direct && floor
        ? `  gateway / catalog directly: ${(gateway.requestsPerSecond / direct.requestsPerSecond).toFixed(2)} of the ` +
          `throughput, +${gateway.p50 - direct.p50} ms at p50; catalog / hello-world: ` +
          (direct.requestsPerSecond / floor.requestsPerSecond).toFixed(2)
        : '',
      '',
    ].join('\n'),
  );
  if (figures.some((f) => f.failures > 0)) {
    console.error('gateway overhead: some answers were not 2xx; the figures are not valid');
    process.exitCode = 1;
  }
} finally {
  hello.kill('SIGTERM');
  await bench.cleanUp();
}
