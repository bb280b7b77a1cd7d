import { JsonLinesFile } from './json-lines.file.js';
import { fromLine, type StoredRecord, StoredRecordLine, toLine } from './stored-record.js';

/**
 * One partition: an ordered, append-only log where a message's offset is its position.
 * Nothing is ever removed (embedded mode has no retention), so the earliest offset is 0.
 */
export class PartitionLog {
  private readonly records: StoredRecord[] = [];
  private readonly file: JsonLinesFile | undefined;

  constructor(path?: string) {
    if (path === undefined) return;
    const { file, records } = JsonLinesFile.open(path, StoredRecordLine);
    this.file = file;
    records.forEach((line, offset) => this.records.push(fromLine(line, offset)));
  }

  get endOffset(): number {
    return this.records.length;
  }

  append(message: Omit<StoredRecord, 'offset'>): StoredRecord {
    const record: StoredRecord = { ...message, offset: this.records.length };
    // Write first: a record is only visible once it is as durable as the broker promises.
    this.file?.append(toLine(record));
    this.records.push(record);
    return record;
  }

  read(offset: number): StoredRecord | undefined {
    return this.records[offset];
  }

  close(): void {
    this.file?.close();
  }
}
