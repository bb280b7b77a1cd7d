import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AtlasClient } from '#atlas/client';
import { freePort } from '../../apps/embedded/src/free-port.js';
import type { BenchRow } from '../support/bench-row.js';
import { cpuSecondsOf } from '../support/load.js';

const ORDERS = 100;
const BUYERS = 4;
const IDLE_SECONDS = 10;

/**
 * Embedded mode as `npm start` runs it (the built platform, one process, PGlite and the
 * in-process broker): how long it takes to answer `/health/ready` on a new data folder and
 * on the same folder again, its resident memory after 100 orders have settled, and the CPU it
 * uses while nobody calls it (the background workers' polls), over 10 s.
 */
export async function measureEmbedded(): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'atlas-bench-'));
  try {
    const cold = await start(dataDir);
    await stop(cold.child);
    const coldSeconds = cold.seconds;
    const warm = await start(dataDir);
    try {
      const settled = await placeOrders(warm.gateway);
      const rssMiB = await residentMiB(warm.child);
      const idle = await idleCpuPercent(warm.child);
      const pid = warm.child.pid ?? 0;
      return [
        {
          name: 'embedded start-up, new data folder (ready)',
          kind: 'embedded',
          value: { amount: coldSeconds, unit: 's' },
          target: { text: '≤ 5 s after the build', met: coldSeconds <= 5 },
        },
        {
          name: 'embedded start-up, existing data folder (ready)',
          kind: 'embedded',
          value: { amount: warm.seconds, unit: 's' },
          target: { text: '≤ 5 s after the build', met: warm.seconds <= 5 },
        },
        {
          name: `embedded RSS after ${ORDERS} orders`,
          kind: 'embedded',
          value: { amount: rssMiB, unit: 'MiB' },
          failures: ORDERS - settled,
          target: { text: '≤ 600 MB', met: rssMiB * 1.048576 <= 600 && settled === ORDERS },
          note: `${BUYERS} buyers at once; VmRSS of process ${pid}`,
        },
        {
          name: `embedded idle CPU over ${IDLE_SECONDS} s`,
          kind: 'embedded',
          value: { amount: idle, unit: '% of a core' },
          target: { text: '≤ 1 % of a core', met: idle <= 1 },
        },
      ];
    } finally {
      await stop(warm.child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function start(
  dataDir: string,
): Promise<{ child: ChildProcess; gateway: string; seconds: number }> {
  const port = await freePort();
  const gateway = `http://127.0.0.1:${port}`;
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
      env: { ...process.env, PORT: String(port), ATLAS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await untilReady(child, gateway);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, gateway, seconds: (performance.now() - started) / 1000 };
}

async function untilReady(child: ChildProcess, gateway: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`embedded mode exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${gateway}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('embedded mode was not ready within 180 s');
    await sleep(20);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Places `ORDERS` orders from `BUYERS` customers at once; how many reached a final status. */
async function placeOrders(gateway: string): Promise<number> {
  const client = new AtlasClient(gateway);
  const [product] = (await client.products()).items;
  if (!product) throw new Error('the demo catalog is empty');
  let next = 0;
  let settled = 0;
  await Promise.all(
    Array.from({ length: BUYERS }, async () => {
      const customer = await client.newCustomer();
      while (next < ORDERS) {
        next += 1;
        const placed = await client.placeOrder(customer.token, [
          { productId: product.id, quantity: 1 },
        ]);
        await client.settledOrder(customer.token, placed.body.id);
        settled += 1;
      }
    }),
  );
  return settled;
}

async function residentMiB(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid ?? 0}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU % of one core the process used over `IDLE_SECONDS`, after a few seconds to settle. */
async function idleCpuPercent(child: ChildProcess): Promise<number> {
  await sleep(3_000);
  const pid = child.pid ?? 0;
  const before = cpuSecondsOf(pid) ?? 0;
  await sleep(IDLE_SECONDS * 1000);
  return (100 * ((cpuSecondsOf(pid) ?? 0) - before)) / IDLE_SECONDS;
}
