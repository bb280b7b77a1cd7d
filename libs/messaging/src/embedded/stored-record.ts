import { z } from 'zod';

/** One message in a partition log, as the embedded broker keeps it. */
export interface StoredRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
  /** Milliseconds since the epoch, when the broker appended it. */
  readonly timestamp: number;
}

/** The on-disk form: Buffers as base64, the offset implied by the line number. */
export const StoredRecordLine = z.object({
  k: z.string().nullable(),
  v: z.string().nullable(),
  h: z.record(z.string(), z.string()),
  t: z.number(),
});
export type StoredRecordLine = z.infer<typeof StoredRecordLine>;

export function toLine(record: StoredRecord): StoredRecordLine {
  return {
    k: record.key?.toString('base64') ?? null,
    v: record.value?.toString('base64') ?? null,
    h: Object.fromEntries(
      Object.entries(record.headers).map(([name, value]) => [name, value.toString('base64')]),
    ),
    t: record.timestamp,
  };
}

export function fromLine(parsed: StoredRecordLine, offset: number): StoredRecord {
  return {
    offset,
    key: parsed.k === null ? null : Buffer.from(parsed.k, 'base64'),
    value: parsed.v === null ? null : Buffer.from(parsed.v, 'base64'),
    headers: Object.fromEntries(
      Object.entries(parsed.h).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
    ),
    timestamp: parsed.t,
  };
}
