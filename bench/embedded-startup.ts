/**
 * How long `npm start` takes to serve, and how much memory embedded mode needs.
 *
 *   npm run bench:startup
 *
 * Starts the built embedded platform twice on a fresh data folder (cold: PGlite creates five
 * databases; warm: it reopens them), times each start until the gateway answers
 * /health/ready, drives a few orders to their outcome, and reads the peak resident set size
 * (VmHWM) of the process from /proc. Prints one line per run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AtlasClient } from '#atlas/client';

const PORT = Number(process.env.BENCH_PORT ?? 3900);
const gateway = `http://127.0.0.1:${PORT}`;

interface Run {
  label: string;
  startSeconds: number;
  peakRssMiB: number;
  ordersSettled: number;
}

async function run(label: string, dataDir: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=TimeoutNegativeWarning',
      '--import',
      resolve('dist/libs/observability/src/register.js'),
      resolve('dist/apps/embedded/src/main.js'),
    ],
    {
      env: { ...process.env, PORT: String(PORT), ATLAS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await until(async () => (await fetch(`${gateway}/health/ready`)).ok, 180_000);
    const startSeconds = (performance.now() - started) / 1000;
    const ordersSettled = await placeOrders(5);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const hwmKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return { label, startSeconds, peakRssMiB: hwmKiB / 1024, ordersSettled };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

async function placeOrders(count: number): Promise<number> {
  const client = new AtlasClient(gateway);
  const customer = await client.newCustomer();
  const [product] = (await client.products()).items;
  if (!product) throw new Error('the demo catalog is empty');
  for (let i = 0; i < count; i += 1) {
    const placed = await client.placeOrder(customer.token, [
      { productId: product.id, quantity: 1 },
    ]);
    await client.settledOrder(customer.token, placed.body.id);
  }
  return count;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'atlas-bench-'));
try {
  for (const label of ['cold (new data folder)', 'warm (existing data)']) {
    const result = await run(label, dataDir);
    console.log(
      `${result.label.padEnd(24)} ready in ${result.startSeconds.toFixed(1)} s, ` +
        `peak RSS ${result.peakRssMiB.toFixed(0)} MiB after ${result.ordersSettled} orders`,
    );
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
