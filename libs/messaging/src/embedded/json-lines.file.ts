import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { z } from 'zod';
import { errorDetails } from '../errors/error-details.js';

/**
 * An append-only JSON Lines file: the embedded broker's durable storage for partition logs and
 * committed offsets. Appends use one synchronous write per record, so a record is in the
 * operating system's page cache before the broker acknowledges it (like Kafka's default, which
 * does not fsync per message either).
 *
 * A crash can leave the last line incomplete. That record was never acknowledged, so opening
 * the file drops it and truncates the file to the last complete line; otherwise the next append
 * would be glued onto the fragment.
 */
export class JsonLinesFile {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (or creates) the file and returns it with the complete records already in it. */
  static open<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
  ): { file: JsonLinesFile; records: z.infer<Schema>[] } {
    const records: z.infer<Schema>[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const lastNewline = text.lastIndexOf('\n');
      const complete = lastNewline === -1 ? '' : text.slice(0, lastNewline);
      const lines = complete === '' ? [] : complete.split('\n');
      lines.forEach((line, index) => {
        try {
          records.push(schema.parse(JSON.parse(line)));
        } catch (error) {
          throw new Error(
            `${path}:${index + 1} holds a damaged record (${errorDetails(error).message}). ` +
              'Only a torn last line is expected after a crash; delete the embedded data ' +
              'directory to start from empty topics.',
            { cause: error },
          );
        }
      });
      if (lastNewline !== text.length - 1) {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, lastNewline + 1), 'utf8'));
        } finally {
          closeSync(fd);
        }
      }
    }
    return { file: new JsonLinesFile(path, openSync(path, 'a')), records };
  }

  append(record: unknown): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    // writeSync may write less than asked; a record must never be left half-written.
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
