import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import { freePort } from '../../apps/embedded/src/free-port.js';
import type { BenchRow } from '../support/bench-row.js';
import { startBenchPlatform } from '../support/bench-platform.js';
import { load, type LoadFigures } from '../support/load.js';
import { OtlpSink } from '../support/otlp-sink.js';

export interface RequestPathOptions {
  readonly seconds: number;
  readonly connections: number;
}

const HELLO = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: app.server.address().port }));
`;

/**
 * The request path, every hop of it, in one run: a bare Fastify hello-world in its own process
 * (the floor for Node and Fastify on this machine, the 1.0 of every ratio), one Nest app's
 * `/health/live` (the framework and Atlas's edge alone), the catalog's cached product read
 * (its two-level cache warm), the same read through the gateway with a valid token (token
 * check, revocation and rate limit in Redis, the upstream policy and pool, the catalog's
 * work), the anonymous product list through the gateway, and the gateway read again with
 * every trace recorded and exported, against the default sampling.
 *
 * The platform is the distributed one on the machine's PostgreSQL, Redis and Kafka, in
 * production mode with default settings, exporting spans over OTLP to a sink in this process,
 * as a deployment with a collector does.
 */
export async function measureRequestPath(options: RequestPathOptions): Promise<BenchRow[]> {
  const sink = new OtlpSink();
  const otlpEndpoint = await sink.start();
  const hello = await startHello();
  const bench = await startBenchPlatform({
    CATALOG_SEED_DEMO: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    RATE_LIMIT_PER_MINUTE: '100000000',
    USER_RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const replicas: ChildProcess[] = [];
  try {
    const pid = (name: 'gateway' | 'catalog') => bench.platform.processes.get(name)?.pid ?? 0;
    const client = new AtlasClient(bench.platform.gatewayUrl);
    const [product] = (await client.products()).items;
    if (!product) throw new Error('the demo catalog is empty');
    const customer = await client.newCustomer();
    const withToken = { authorization: `Bearer ${customer.token}` };
    const path = `/v1/products/${product.id}`;
    const catalogUrl = bench.platform.urls.catalog;
    const run = (url: string, servers: number[], headers: Record<string, string> = {}) =>
      load({ ...options, url, headers, servers });

    const floor = await run(`http://127.0.0.1:${hello.port}/`, [hello.pid]);
    const health = await run(`${catalogUrl}/health/live`, [pid('catalog')]);
    const direct = await run(`${catalogUrl}${path}`, [pid('catalog')]);
    const gateway = await run(
      `${bench.platform.gatewayUrl}${path}`,
      [pid('gateway'), pid('catalog')],
      withToken,
    );
    const list = await run(`${bench.platform.gatewayUrl}/v1/products`, [
      pid('gateway'),
      pid('catalog'),
    ]);

    // The same read with every trace recorded and exported: a catalog and a gateway replica
    // with the sampler at 100 %, the gateway calling that catalog.
    const traced = { OTEL_TRACES_SAMPLER_ARG: '1' };
    const catalogPort = await freePort();
    replicas.push(await bench.platform.startReplica('catalog', catalogPort, traced));
    const gatewayPort = await freePort();
    replicas.push(
      await bench.platform.startReplica('gateway', gatewayPort, {
        ...traced,
        CATALOG_URL: `http://127.0.0.1:${catalogPort}`,
      }),
    );
    const exportedBefore = sink.received;
    const tracing = await run(
      `http://127.0.0.1:${gatewayPort}${path}`,
      replicas.map((child) => child.pid ?? 0),
      withToken,
    );
    const exported = sink.received - exportedBefore;

    const ratio = (figures: LoadFigures) => figures.perSecond / floor.perSecond;
    const row = (name: string, figures: LoadFigures, extra: Partial<BenchRow> = {}): BenchRow => ({
      name,
      kind: 'http',
      perSecond: figures.perSecond,
      p50Ms: figures.p50Ms,
      p99Ms: figures.p99Ms,
      failures: figures.failures,
      ratio: ratio(figures),
      ...(figures.cpuMicrosPerRequest === undefined
        ? {}
        : { cpuMicrosPerRequest: figures.cpuMicrosPerRequest }),
      ...extra,
    });
    const atLeast = (figures: LoadFigures, least: number) => ({
      text: `≥ ${least.toFixed(2)}× hello`,
      met: ratio(figures) >= least && figures.failures === 0,
    });
    const note = `${options.connections} connections, ${options.seconds} s`;
    return [
      row('bare Fastify hello-world, own process', floor, { note }),
      row('one Nest app: catalog GET /health/live', health, { target: atLeast(health, 0.7) }),
      row('catalog GET /v1/products/:id, cache warm', direct, { target: atLeast(direct, 0.5) }),
      row('gateway GET /v1/products/:id with a token', gateway, {
        target: {
          text: '≥ 0.25× hello, p99 ≤ 15 ms, 0 non-2xx',
          met: ratio(gateway) >= 0.25 && gateway.p99Ms <= 15 && gateway.failures === 0,
        },
        note: 'CPU: gateway + catalog',
      }),
      row('gateway GET /v1/products, anonymous', list, { note: 'CPU: gateway + catalog' }),
      row('the gateway read, every trace recorded and exported', tracing, {
        target: {
          text: '≥ 0.85× the default sampling (10 %)',
          met:
            tracing.perSecond >= 0.85 * gateway.perSecond && tracing.failures === 0 && exported > 0,
        },
        note:
          `${((100 * tracing.perSecond) / gateway.perSecond).toFixed(0)} % of the default ` +
          `sampling's throughput; ${(exported / 2 ** 20).toFixed(1)} MiB of spans exported`,
      }),
    ];
  } finally {
    for (const child of replicas) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    hello.child.kill('SIGTERM');
    await bench.cleanUp();
    await sink.stop();
  }
}

async function startHello(): Promise<{ child: ChildProcess; port: number; pid: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HELLO], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!child.stdout || child.pid === undefined) throw new Error('the hello-world did not start');
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const port = z.object({ port: z.number() }).parse(JSON.parse(String(line))).port;
  return { child, port, pid: child.pid };
}
