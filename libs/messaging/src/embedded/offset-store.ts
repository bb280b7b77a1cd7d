import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonLinesFile } from './json-lines.file.js';

const OffsetLine = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});
type OffsetLine = z.infer<typeof OffsetLine>;

const SUFFIX = '.offsets.jsonl';

/**
 * Committed offsets per consumer group and partition: the next offset the group will read.
 * With a directory, each group has an append-only file where the last line for a partition
 * wins; opening compacts it to one line per partition so it does not grow forever.
 */
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, number>>();
  private readonly files = new Map<string, JsonLinesFile>();

  constructor(private readonly dir?: string) {
    if (dir === undefined) return;
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (name.endsWith(SUFFIX)) this.load(decodeURIComponent(name.slice(0, -SUFFIX.length)));
    }
  }

  committed(groupId: string, topic: string, partition: number): number | undefined {
    return this.offsets.get(groupId)?.get(partitionKey(topic, partition));
  }

  commit(groupId: string, topic: string, partition: number, offset: number): void {
    this.fileFor(groupId)?.append({ topic, partition, offset } satisfies OffsetLine);
    this.groupOffsets(groupId).set(partitionKey(topic, partition), offset);
  }

  /** Every committed offset of a group, for inspection and admin-style queries. */
  committedFor(groupId: string): { topic: string; partition: number; offset: number }[] {
    return [...(this.offsets.get(groupId) ?? new Map<string, number>())].map(([key, offset]) => {
      const { topic, partition } = parsePartitionKey(key);
      return { topic, partition, offset };
    });
  }

  close(): void {
    for (const file of this.files.values()) file.close();
    this.files.clear();
  }

  private load(groupId: string): void {
    const path = this.pathFor(groupId);
    const { file, records } = JsonLinesFile.open(path, OffsetLine);
    file.close();
    const offsets = this.groupOffsets(groupId);
    for (const line of records) {
      offsets.set(partitionKey(line.topic, line.partition), line.offset);
    }
    // Compact through a temporary file and an atomic rename, so a crash mid-way keeps the old file.
    const compacted = this.committedFor(groupId)
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('');
    writeFileSync(`${path}.tmp`, compacted);
    renameSync(`${path}.tmp`, path);
  }

  private fileFor(groupId: string): JsonLinesFile | undefined {
    if (this.dir === undefined) return undefined;
    let file = this.files.get(groupId);
    if (!file) {
      file = JsonLinesFile.open(this.pathFor(groupId), OffsetLine).file;
      this.files.set(groupId, file);
    }
    return file;
  }

  private groupOffsets(groupId: string): Map<string, number> {
    let offsets = this.offsets.get(groupId);
    if (!offsets) {
      offsets = new Map();
      this.offsets.set(groupId, offsets);
    }
    return offsets;
  }

  private pathFor(groupId: string): string {
    // Group ids may hold any character; the file name must not.
    return join(this.dir ?? '', `${encodeURIComponent(groupId)}${SUFFIX}`);
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}#${partition}`;
}

function parsePartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('#');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
