import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { InfraService, ResolvedServer } from '../discovery/infra-target.js';
import { infraServiceSchema, resolvedServerSchema } from '../discovery/infra-target.js';

/** One suite's use of one service, as the end-of-run report lists it. */
export interface UsageRecord {
  /** Absolute path of the test file. */
  readonly suite: string;
  readonly service: InfraService;
  readonly server: ResolvedServer;
}

const usageRecordSchema: z.ZodType<UsageRecord> = z.object({
  suite: z.string(),
  service: infraServiceSchema,
  server: resolvedServerSchema,
});

/**
 * Test workers are separate processes and jest gives them no channel to a reporter, so each
 * appends one JSON line to a file the main process reads at the end. A line this short is
 * written in one append, so workers writing at once do not interleave.
 */
export function recordUsage(file: string, record: UsageRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export function readUsage(file: string): UsageRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => usageRecordSchema.parse(JSON.parse(line)));
}
