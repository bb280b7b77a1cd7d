/**
 * Every benchmark of Atlas in one run, so their ratios compare:
 *
 *   npm run bench                              # all scenarios
 *   BENCH_ONLY=request-path npm run bench      # some of them (comma-separated)
 *   BENCH_ONLY=orders BENCH_SUSTAINED_SECONDS=0 npm run bench   # the order path, no sustained run
 *
 * Prints one table (req/s, p50, p99, the ratio to a bare Fastify hello measured in the same
 * run, CPU per request of the servers on the path, and each figure's target) and writes the
 * rows as JSON to bench/results/<time>.json. Distributed scenarios run on the real PostgreSQL,
 * Redis and Kafka as the tests find them (ATLAS_POSTGRES_URL, KAFKA_BROKERS, REDIS_URL, or the
 * usual local ports). Every process shares this machine's cores with the load generator:
 * compare ratios, not absolute figures, with other machines.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { z } from 'zod';
import { envVar, parseConfig } from '#atlas/config';
import type { BenchRow } from './support/bench-row.js';
import { measureEmbedded } from './scenarios/embedded.js';
import { measureOrders } from './scenarios/orders.js';
import { measureRequestPath } from './scenarios/request-path.js';

const SCENARIOS = ['request-path', 'orders', 'embedded'] as const;
type Scenario = (typeof SCENARIOS)[number];

const config = parseConfig(
  'bench',
  z.object({
    BENCH_SECONDS: envVar.int(10, 1),
    BENCH_CONNECTIONS: envVar.int(32, 1, 1_000),
    BENCH_ORDERS: envVar.int(200, 1),
    BENCH_ORDER_RATE: envVar.int(20, 1, 1_000),
    BENCH_SUSTAINED_SECONDS: envVar.int(60, 0),
    BENCH_SUSTAINED_RATE: envVar.int(50, 1, 1_000),
    BENCH_PROVIDER_DELAYS: envVar
      .list('0,100')
      .pipe(z.array(z.string().regex(/^\d+$/).transform(Number)))
      .default([0, 100]),
    BENCH_ONLY: envVar
      .list(SCENARIOS.join(','))
      .pipe(z.array(z.enum(SCENARIOS)))
      .default([...SCENARIOS]),
  }),
  process.env,
);

const run: Record<Scenario, () => Promise<BenchRow[]>> = {
  'request-path': () =>
    measureRequestPath({ seconds: config.BENCH_SECONDS, connections: config.BENCH_CONNECTIONS }),
  orders: () =>
    measureOrders({
      orders: config.BENCH_ORDERS,
      ratePerSecond: config.BENCH_ORDER_RATE,
      warmup: 20,
      providerDelaysMs: config.BENCH_PROVIDER_DELAYS,
      sustainedSeconds: config.BENCH_SUSTAINED_SECONDS,
      sustainedPerSecond: config.BENCH_SUSTAINED_RATE,
    }),
  embedded: () => measureEmbedded(),
};

const rows: BenchRow[] = [];
for (const scenario of config.BENCH_ONLY) {
  process.stdout.write(`Running ${scenario}...\n`);
  rows.push(...(await run[scenario]()));
}

const machine = `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
process.stdout.write(`\n${table(rows)}\n\n${machine}; every process shares the cores.\n`);
const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
await mkdir('bench/results', { recursive: true });
await writeFile(file, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
process.stdout.write(`Written to ${file}\n`);
if (rows.some((row) => row.target && !row.target.met)) {
  process.stdout.write('Some figures miss their targets (✗ above).\n');
}

function table(all: readonly BenchRow[]): string {
  const number = (value: number | undefined, digits = 0) =>
    value === undefined ? '' : value.toFixed(digits);
  const lines = all.map((row) => [
    row.name,
    number(row.perSecond),
    number(row.p50Ms),
    row.p95Ms === undefined ? '' : number(row.p95Ms),
    number(row.p99Ms),
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
    number(row.cpuMicrosPerRequest),
    row.value ? `${number(row.value.amount, 1)} ${row.value.unit}` : '',
    row.failures ? String(row.failures) : '',
    row.target ? `${row.target.met ? '✓' : '✗'} ${row.target.text}` : '',
    row.note ?? '',
  ]);
  const header = [
    'scenario',
    'per s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'ratio',
    'CPU µs/req',
    'value',
    'failed',
    'target',
    'note',
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
  ].join('\n');
}
