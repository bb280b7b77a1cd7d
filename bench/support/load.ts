import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface LoadOptions {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly connections: number;
  readonly seconds: number;
  /** Processes whose CPU time to count per request (the servers on the path). */
  readonly servers?: readonly number[];
}

export interface LoadFigures {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
  /** CPU time the given server processes spent per request, in µs (Linux only). */
  readonly cpuMicrosPerRequest?: number;
}

/** Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ), the same on every arch. */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds of a process so far, or undefined where /proc is missing. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const totalCpu = (pids: readonly number[]) => {
  let total = 0;
  for (const pid of pids) {
    const seconds = cpuSecondsOf(pid);
    if (seconds === undefined) return undefined;
    total += seconds;
  }
  return total;
};

/**
 * autocannon against one URL: a 2 s warm-up (connection pools, JIT, caches), then the
 * measured run. Besides throughput and latency it reads how much CPU the servers on the path
 * spent per request, which says what a hop costs even when the load generator, sharing the
 * machine's cores, is what limits the throughput.
 */
export async function load(options: LoadOptions): Promise<LoadFigures> {
  const request = {
    url: options.url,
    headers: options.headers ?? {},
    connections: options.connections,
  };
  await autocannon({ ...request, duration: 2 });
  const servers = options.servers ?? [];
  const cpuBefore = totalCpu(servers);
  const result = await autocannon({ ...request, duration: options.seconds });
  const cpuAfter = totalCpu(servers);
  const cpu =
    cpuBefore !== undefined && cpuAfter !== undefined && servers.length > 0
      ? ((cpuAfter - cpuBefore) * 1e6) / Math.max(1, result.requests.total)
      : undefined;
  return {
    perSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    ...(cpu === undefined ? {} : { cpuMicrosPerRequest: cpu }),
  };
}
