import { describe, expect, it } from '@jest/globals';
import { firstLines, MAX_IMPORT_ROWS, parseProductCsv, validateRow } from './product-csv.js';

const csv = (text: string) => Buffer.from(text, 'utf8');

describe('parseProductCsv', () => {
  it('reads quoted fields, a byte-order mark and columns in any order', () => {
    const rows = parseProductCsv(
      csv(
        '\ufeffstock,sku,name,priceCents,currency,description\n' +
          '3,A-1,"Lamp, small",1200,EUR,"Two\nlines"\n' +
          '\n' +
          '5,A-2,Tent,34900,EUR,\n',
      ),
    );
    expect(rows).toEqual([
      {
        line: 3,
        values: {
          stock: '3',
          sku: 'A-1',
          name: 'Lamp, small',
          priceCents: '1200',
          currency: 'EUR',
          description: 'Two\nlines',
        },
      },
      {
        line: 5,
        values: {
          stock: '5',
          sku: 'A-2',
          name: 'Tent',
          priceCents: '34900',
          currency: 'EUR',
          description: '',
        },
      },
    ]);
  });

  it('lets the description column be left out', () => {
    const [row] = parseProductCsv(
      csv('sku,name,priceCents,currency,stock\nB-1,Bottle,900,EUR,4\n'),
    );
    expect(row?.values).toEqual({
      sku: 'B-1',
      name: 'Bottle',
      priceCents: '900',
      currency: 'EUR',
      stock: '4',
    });
  });

  it('refuses a header that misses, repeats or invents columns, naming each', () => {
    expect(() =>
      parseProductCsv(csv('sku,title,sku,priceCents,currency,stock\nx,y,z,1,EUR,1\n')),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'CATALOG.IMPORT_INVALID_FILE',
        errors: [
          { path: 'name', message: 'this column is missing from the header' },
          { path: 'title', message: 'unknown column' },
          { path: 'sku', message: 'this column appears twice' },
        ],
      }),
    );
  });

  it.each([
    ['an empty file', csv('')],
    ['a header without rows', csv('sku,name,priceCents,currency,stock\n')],
    ['bytes that are not UTF-8', Buffer.from([0x73, 0x6b, 0x75, 0xff, 0xfe, 0x0a])],
    ['a binary file', Buffer.from('sku,name\u0000,priceCents\n')],
    ['an unterminated quote', csv('sku,name,priceCents,currency,stock\n"A,B,1,EUR,1\n')],
    [
      'too many rows',
      csv(`sku,name,priceCents,currency,stock\n${'A,B,1,EUR,1\n'.repeat(MAX_IMPORT_ROWS + 1)}`),
    ],
  ])('refuses %s as a whole', (_what, bytes) => {
    expect(() => parseProductCsv(bytes)).toThrow(
      expect.objectContaining({ status: 400, code: 'CATALOG.IMPORT_INVALID_FILE' }),
    );
  });
});

describe('validateRow', () => {
  const row = (line: number, values: Record<string, string>) => ({
    line,
    values: {
      sku: 'S-1',
      name: 'Lamp',
      priceCents: '1200',
      currency: 'EUR',
      stock: '3',
      ...values,
    },
  });

  it('accepts a row that POST /v1/products would accept', () => {
    const valid = row(2, { description: ' Bright ' });
    expect(validateRow(valid, firstLines([valid]))).toEqual({
      valid: true,
      product: {
        sku: 'S-1',
        name: 'Lamp',
        description: 'Bright',
        priceCents: 1200,
        currency: 'EUR',
        stock: 3,
      },
    });
  });

  it('reports every invalid field of a row, with its line and SKU', () => {
    const bad = row(7, { name: '', priceCents: '12.50', currency: 'euro', stock: '-1' });
    expect(validateRow(bad, firstLines([bad]))).toEqual({
      valid: false,
      error: {
        line: 7,
        sku: 'S-1',
        errors: [
          { field: 'name', message: expect.any(String) },
          { field: 'priceCents', message: 'a whole number of cents' },
          { field: 'currency', message: 'an ISO 4217 code such as EUR' },
          { field: 'stock', message: 'a whole number of units' },
        ],
      },
    });
  });

  it('refuses a SKU that an earlier line of the file already has', () => {
    const rows = [row(2, {}), row(3, { name: 'Other' })];
    const first = firstLines(rows);
    expect(validateRow(rows[0] ?? row(0, {}), first).valid).toBe(true);
    expect(validateRow(rows[1] ?? row(0, {}), first)).toEqual({
      valid: false,
      error: {
        line: 3,
        sku: 'S-1',
        errors: [{ field: 'sku', message: 'already on line 2; each SKU once per file' }],
      },
    });
  });
});
