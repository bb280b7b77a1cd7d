import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { CreateProductRequest, type ImportRowError } from '#atlas/contracts';
import { badRequest, type FieldError } from '#atlas/http';

/** Most rows one import may have; larger catalogs are imported in several files. */
export const MAX_IMPORT_ROWS = 10_000;
/** Largest CSV file accepted. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const REQUIRED_COLUMNS = ['sku', 'name', 'priceCents', 'currency', 'stock'] as const;
const OPTIONAL_COLUMNS = ['description'] as const;
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** One data row, by column name, and the line of the file it ends on (the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
}

const Parsed = z.array(
  z.object({ record: z.array(z.string()), info: z.object({ lines: z.number().int() }) }),
);

/**
 * The rows of a product CSV: UTF-8 (a byte-order mark is fine), comma-separated, RFC 4180
 * quoting, a header naming the columns (`sku,name,description,priceCents,currency,stock`, in
 * any order; `description` may be left out). A file that is not such a CSV is refused whole,
 * at upload; each row is then validated on its own when the job runs.
 */
export function parseProductCsv(bytes: Buffer): CsvRow[] {
  const text = decodeUtf8(bytes);
  let parsed;
  try {
    parsed = Parsed.parse(
      parse(text, {
        bom: true,
        info: true,
        skip_empty_lines: true,
        relax_column_count: true,
        max_record_size: 64 * 1024,
      }),
    );
  } catch (error) {
    throw invalidFile(`The file is not valid CSV: ${error instanceof Error ? error.message : ''}`);
  }
  const [header, ...records] = parsed;
  if (!header) throw invalidFile('The file is empty: it needs a header line and rows.');
  const columns = header.record.map((name) => name.trim());
  const problems: FieldError[] = [
    ...REQUIRED_COLUMNS.filter((name) => !columns.includes(name)).map((name) => ({
      path: name,
      message: 'this column is missing from the header',
    })),
    ...columns
      .filter((name) => !KNOWN_COLUMNS.includes(name))
      .map((name) => ({ path: name || '(empty)', message: 'unknown column' })),
    ...columns
      .filter((name, index) => columns.indexOf(name) !== index)
      .map((name) => ({ path: name, message: 'this column appears twice' })),
  ];
  if (problems.length > 0) {
    throw badRequest(
      'CATALOG.IMPORT_INVALID_FILE',
      `The header must name the columns ${KNOWN_COLUMNS.join(', ')}.`,
      problems,
    );
  }
  if (records.length === 0) throw invalidFile('The file has a header but no rows.');
  if (records.length > MAX_IMPORT_ROWS) {
    throw invalidFile(
      `The file has ${records.length} rows; at most ${MAX_IMPORT_ROWS} per import.`,
    );
  }
  return records.map(({ record, info }) => ({
    line: info.lines,
    values: Object.fromEntries(columns.map((name, index) => [name, record[index] ?? ''])),
  }));
}

const WholeNumber = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,12}$/, `a whole number of ${what}`)
    .transform(Number);

/** POST /v1/products's contract, with the numbers as a CSV spells them. */
const CsvProduct = CreateProductRequest.extend({
  priceCents: WholeNumber('cents').pipe(CreateProductRequest.shape.priceCents),
  stock: WholeNumber('units').pipe(CreateProductRequest.shape.stock),
});

export type ValidatedRow =
  | { readonly valid: true; readonly product: CreateProductRequest }
  | { readonly valid: false; readonly error: ImportRowError };

/**
 * One row checked against the same contract as `POST /v1/products`, plus the rule that a SKU
 * appears once per file (`firstLineOfSku` says where each SKU first appeared).
 */
export function validateRow(
  row: CsvRow,
  firstLineOfSku: ReadonlyMap<string, number>,
): ValidatedRow {
  const sku = row.values.sku?.trim() ?? '';
  const fail = (errors: ImportRowError['errors']): ValidatedRow => ({
    valid: false,
    error: { line: row.line, ...(sku ? { sku } : {}), errors },
  });
  const firstLine = firstLineOfSku.get(sku);
  if (sku && firstLine !== undefined && firstLine !== row.line) {
    return fail([
      { field: 'sku', message: `already on line ${firstLine}; each SKU once per file` },
    ]);
  }
  const checked = CsvProduct.safeParse(row.values);
  if (!checked.success) {
    return fail(
      checked.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(row)',
        message: issue.message,
      })),
    );
  }
  return { valid: true, product: checked.data };
}

/** Where each SKU first appears in the file. */
export function firstLines(rows: readonly CsvRow[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const row of rows) {
    const sku = row.values.sku?.trim() ?? '';
    if (sku && !first.has(sku)) first.set(sku, row.line);
  }
  return first;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) throw new Error('NUL byte');
    return text;
  } catch {
    throw invalidFile('The file is not UTF-8 text: export the CSV as UTF-8.');
  }
}

function invalidFile(message: string) {
  return badRequest('CATALOG.IMPORT_INVALID_FILE', message);
}
