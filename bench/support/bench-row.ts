/**
 * One line of `npm run bench`'s table. Every scenario (bench/scenarios/*.ts) returns rows of
 * this shape; the runner prints them and writes them all as JSON under bench/results/.
 */
export interface BenchRow {
  /** What was measured, e.g. "catalog cached read, directly". */
  readonly name: string;
  /** `http`: a load of one URL, compared with the bare hello; the others stand on their own. */
  readonly kind: 'http' | 'orders' | 'embedded';
  /** Requests (or orders) per second completed. */
  readonly perSecond?: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  /** Non-2xx answers, errors and timeouts (or orders that did not end as expected). */
  readonly failures?: number;
  /** For `http` rows: throughput over the bare Fastify hello's in the same run. */
  readonly ratio?: number;
  /** For `http` rows: CPU time the servers on the path spent per request, in µs. */
  readonly cpuMicrosPerRequest?: number;
  /** A figure that is not a rate: start-up seconds, RSS in MiB, CPU % of a core. */
  readonly value?: { readonly amount: number; readonly unit: string };
  /** The figure to reach, in words ("≥ 0.70× hello", "p50 ≤ 50 ms"), and whether it was. */
  readonly target?: { readonly text: string; readonly met: boolean };
  /** Anything a reader needs to interpret the row (concurrency, offered rate, settings). */
  readonly note?: string;
}
