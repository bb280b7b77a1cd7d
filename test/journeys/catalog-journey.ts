import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AtlasClient, type HttpResult } from '#atlas/client';
import {
  ImportJob,
  ImportJobAccepted,
  Problem,
  Product,
  ProductDeleted,
  ProductList,
} from '#atlas/contracts';
import type { PlatformUnderTest } from './platform-under-test.js';

/** A 1×1 transparent PNG: a real image, small enough to read in a test. */
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);

/**
 * The catalog's write side through the gateway: editing and deleting products, full-text
 * search, image uploads checked by content, CSV imports as background jobs. Shared by both
 * modes.
 */
export function catalogJourney(platform: () => PlatformUnderTest): void {
  const client = () => new AtlasClient(platform().gatewayUrl);
  // One sign-in for the whole journey: an access token outlives it.
  let admin: Promise<string> | undefined;
  const adminToken = () =>
    (admin ??= client()
      .login(platform().admin.email, platform().admin.password)
      .then((tokens) => tokens.accessToken));

  async function newProduct(token: string, overrides: Record<string, unknown> = {}) {
    const sku = `CAT-${randomUUID().slice(0, 8)}`;
    return (
      await client().expect(201, Product, 'POST', '/v1/products', {
        token,
        body: {
          sku,
          name: `Catalog item ${sku}`,
          priceCents: 1_500,
          currency: 'EUR',
          stock: 20,
          ...overrides,
        },
      })
    ).body;
  }

  it('edits a product for catalog managers only, and the change is served at once', async () => {
    const token = await adminToken();
    const product = await newProduct(token);
    // Cached now, on every level.
    await client().product(product.id);

    const edited = await client().expect(200, Product, 'PATCH', `/v1/products/${product.id}`, {
      token,
      body: { name: 'Renamed lantern', priceCents: 2_750 },
    });
    expect(edited.body).toMatchObject({
      id: product.id,
      sku: product.sku,
      name: 'Renamed lantern',
      priceCents: 2_750,
    });
    expect(await client().product(product.id)).toMatchObject({
      name: 'Renamed lantern',
      priceCents: 2_750,
    });

    const customer = await client().newCustomer();
    const refusals: [string, HttpResult, number, string][] = [
      ['customer', await patch(customer.token, product.id, { name: 'x' }), 403, 'AUTH.FORBIDDEN'],
      [
        'unknown id',
        await patch(token, randomUUID(), { name: 'x' }),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      ],
      ['the SKU', await patch(token, product.id, { sku: 'NEW-SKU' }), 400, 'REQUEST.INVALID'],
      ['nothing', await patch(token, product.id, {}), 400, 'REQUEST.INVALID'],
      ['negative stock', await patch(token, product.id, { stock: -1 }), 400, 'REQUEST.INVALID'],
    ];
    for (const [what, response, status, code] of refusals) {
      expect([what, response.status, Problem.parse(response.body).code]).toEqual([
        what,
        status,
        code,
      ]);
    }
  });

  it('removes a product no order reserved, and archives one that orders refer to', async () => {
    const token = await adminToken();
    const unordered = await newProduct(token);
    const removed = await client().expect(
      200,
      ProductDeleted,
      'DELETE',
      `/v1/products/${unordered.id}`,
      { token },
    );
    expect(removed.body).toEqual({ id: unordered.id, outcome: 'removed' });
    expect((await client().request('GET', `/v1/products/${unordered.id}`)).status).toBe(404);

    const ordered = await newProduct(token);
    const customer = await client().newCustomer();
    const first = await client().placeOrder(customer.token, [
      { productId: ordered.id, quantity: 1 },
    ]);
    expect((await client().settledOrder(customer.token, first.body.id)).status).toBe('CONFIRMED');

    const archived = await client().expect(
      200,
      ProductDeleted,
      'DELETE',
      `/v1/products/${ordered.id}`,
      { token },
    );
    expect(archived.body).toEqual({ id: ordered.id, outcome: 'archived' });
    expect((await client().request('GET', `/v1/products/${ordered.id}`)).status).toBe(404);
    const listed = await client().expect(
      200,
      ProductList,
      'GET',
      `/v1/products?q=${ordered.sku}&limit=100`,
    );
    expect(listed.body.items.map((item) => item.id)).not.toContain(ordered.id);
    expect((await client().request('DELETE', `/v1/products/${ordered.id}`, { token })).status).toBe(
      404,
    );

    // Hidden from the saga too: a new order for it is refused, and nothing is reserved.
    const second = await client().placeOrder(customer.token, [
      { productId: ordered.id, quantity: 1 },
    ]);
    const refused = await client().settledOrder(customer.token, second.body.id);
    expect([refused.status, refused.reason]).toEqual(['CANCELLED', 'UNKNOWN_PRODUCT']);

    // Its SKU is free again.
    await newProduct(token, { sku: ordered.sku });
  });

  it('finds products by words of their name and description (full-text search)', async () => {
    const token = await adminToken();
    const word = `zephyr${randomUUID().slice(0, 6)}`;
    const other = `quokka${randomUUID().slice(0, 6)}`;
    const both = await newProduct(token, {
      name: `Storm ${word} tarp`,
      description: `Packs small. ${other} approved.`,
    });
    const onlyWord = await newProduct(token, {
      name: 'Plain tarp',
      description: `The ${word} edition, waterproof.`,
    });
    const search = async (q: string) =>
      (
        await client().expect(200, ProductList, 'GET', `/v1/products?q=${encodeURIComponent(q)}`)
      ).body.items
        .map((item) => item.id)
        .sort();

    expect(await search(word)).toEqual([both.id, onlyWord.id].sort());
    expect(await search(`${word} ${other}`)).toEqual([both.id]);
    expect(await search(`${word} -${other}`)).toEqual([onlyWord.id]);
    expect(await search(`"${word} edition"`)).toEqual([onlyWord.id]);
    expect(await search(`nothing${randomUUID().slice(0, 6)}`)).toEqual([]);

    // A NUL cannot reach PostgreSQL's text: it used to answer 500 from deep in the query.
    const nul = await client().request('GET', '/v1/products?q=%00');
    expect([nul.status, Problem.parse(nul.body).code]).toEqual([400, 'REQUEST.INVALID']);
    expect((await client().request('GET', '/health/ready')).status).toBe(200);
  });

  it('stores an image checked by its content and serves it back at the product’s imageUrl', async () => {
    const token = await adminToken();
    const product = await newProduct(token);

    const uploaded = await upload(
      `/v1/products/${product.id}/image`,
      token,
      TINY_PNG,
      'photo.png',
      'image/png',
    );
    expect(uploaded.status).toBe(201);
    const withImage = Product.parse(uploaded.body);
    expect(withImage.imageUrl).toMatch(
      new RegExp(`^/v1/products/${product.id}/image\\?v=[0-9a-f]{16}$`),
    );
    expect((await client().product(product.id)).imageUrl).toBe(withImage.imageUrl);

    const served = await fetch(`${platform().gatewayUrl}${withImage.imageUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await served.arrayBuffer()).equals(TINY_PNG)).toBe(true);
  });

  it('refuses oversized and disguised uploads, and uploads from customers', async () => {
    const token = await adminToken();
    const product = await newProduct(token);
    const path = `/v1/products/${product.id}/image`;
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const html = Buffer.from('<html><script>document.cookie</script></html>');
    // A JPEG signature followed by 5 MiB of padding: past the limit, whatever it claims to be.
    const oversized = Buffer.concat([
      Buffer.from('ffd8ffe0', 'hex'),
      Buffer.alloc(5 * 1024 * 1024),
    ]);
    const customer = await client().newCustomer();

    const cases: [string, Promise<HttpResult>, number, string][] = [
      [
        'an SVG named .png',
        upload(path, token, svg, 'photo.png', 'image/png'),
        415,
        'CATALOG.IMAGE_TYPE_UNSUPPORTED',
      ],
      [
        'HTML named .jpg',
        upload(path, token, html, 'photo.jpg', 'image/jpeg'),
        415,
        'CATALOG.IMAGE_TYPE_UNSUPPORTED',
      ],
      [
        'over 5 MiB',
        upload(path, token, oversized, 'big.jpg', 'image/jpeg'),
        413,
        'CATALOG.IMAGE_TOO_LARGE',
      ],
      [
        'JSON, not multipart',
        client().request('POST', path, { token, body: { file: 'x' } }),
        415,
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'from a customer',
        upload(path, customer.token, TINY_PNG, 'photo.png', 'image/png'),
        403,
        'AUTH.FORBIDDEN',
      ],
      [
        'for no product',
        upload(`/v1/products/${randomUUID()}/image`, token, TINY_PNG, 'a.png', 'image/png'),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      ],
    ];
    for (const [what, pending, status, code] of cases) {
      const response = await pending;
      expect([what, response.status, Problem.parse(response.body).code]).toEqual([
        what,
        status,
        code,
      ]);
    }
    expect((await client().product(product.id)).imageUrl).toBeNull();
    expect((await client().request('GET', path)).status).toBe(404);
  });

  it('imports a CSV as a background job, reporting progress and each refused row', async () => {
    const token = await adminToken();
    const existing = await newProduct(token);
    const run = randomUUID().slice(0, 6);
    const good = Array.from(
      { length: 150 },
      (_, index) =>
        `IMP-${run}-${index},Imported ${run} ${index},"Row ${index}, quoted",${100 + index},EUR,${index}`,
    );
    const csv = [
      'sku,name,description,priceCents,currency,stock',
      ...good.slice(0, 100),
      `IMP-${run}-bad-price,Bad price,,12.50,EUR,1`,
      `IMP-${run}-no-name,,,100,EUR,1`,
      `IMP-${run}-0,Duplicate,,100,EUR,1`,
      `IMP-${run}-bad-currency,Bad currency,,100,euro,1`,
      `${existing.sku},Updated by import,,999,EUR,3`,
      ...good.slice(100),
    ].join('\n');

    const accepted = await upload(
      '/v1/products/import',
      token,
      Buffer.from(csv),
      'products.csv',
      'text/csv',
    );
    expect(accepted.status).toBe(202);
    const job = ImportJobAccepted.parse(accepted.body);
    expect(accepted.headers.get('location')).toBe(`/v1/jobs/${job.id}`);
    expect(job.totalRows).toBe(155);

    const read = async () =>
      (await client().expect(200, ImportJob, 'GET', `/v1/jobs/${job.id}`, { token })).body;
    const finished = await client().eventually(
      read,
      (state) => state.status === 'SUCCEEDED',
      60_000,
    );
    expect(finished).toMatchObject({
      status: 'SUCCEEDED',
      fileName: 'products.csv',
      progress: {
        totalRows: 155,
        processedRows: 155,
        created: 150,
        updated: 1,
        failed: 4,
        percent: 100,
      },
    });
    expect(finished.errors).toEqual([
      {
        line: 102,
        sku: `IMP-${run}-bad-price`,
        errors: [{ field: 'priceCents', message: 'a whole number of cents' }],
      },
      {
        line: 103,
        sku: `IMP-${run}-no-name`,
        errors: [expect.objectContaining({ field: 'name' })],
      },
      {
        line: 104,
        sku: `IMP-${run}-0`,
        errors: [{ field: 'sku', message: 'already on line 2; each SKU once per file' }],
      },
      {
        line: 105,
        sku: `IMP-${run}-bad-currency`,
        errors: [expect.objectContaining({ field: 'currency' })],
      },
    ]);

    const imported = await client().expect(
      200,
      ProductList,
      'GET',
      `/v1/products?q=${run}&limit=100`,
    );
    expect(imported.body.total).toBe(150);
    expect(imported.body.items).toContainEqual(
      expect.objectContaining({
        sku: `IMP-${run}-1`,
        description: 'Row 1, quoted',
        priceCents: 101,
        stock: 1,
      }),
    );
    expect(await client().product(existing.id)).toMatchObject({
      name: 'Updated by import',
      priceCents: 999,
      stock: 3,
    });

    const customer = await client().newCustomer();
    expect(
      (await client().request('GET', `/v1/jobs/${job.id}`, { token: customer.token })).status,
    ).toBe(403);
    expect((await client().request('GET', `/v1/jobs/${randomUUID()}`, { token })).status).toBe(404);
  });

  it('refuses a file that is not a product CSV before starting a job', async () => {
    const token = await adminToken();
    const wrongHeader = await upload(
      '/v1/products/import',
      token,
      Buffer.from('sku,title,price\nA,B,1\n'),
      'p.csv',
      'text/csv',
    );
    expect(wrongHeader.status).toBe(400);
    expect(Problem.parse(wrongHeader.body)).toMatchObject({
      code: 'CATALOG.IMPORT_INVALID_FILE',
      errors: expect.arrayContaining([
        { path: 'name', message: 'this column is missing from the header' },
        { path: 'title', message: 'unknown column' },
      ]),
    });
    const binary = await upload(
      '/v1/products/import',
      token,
      Buffer.from('ffd8ffe0ff00ff', 'hex'),
      'p.csv',
      'text/csv',
    );
    expect([binary.status, Problem.parse(binary.body).code]).toEqual([
      400,
      'CATALOG.IMPORT_INVALID_FILE',
    ]);
  });

  const patch = (token: string, id: string, body: unknown) =>
    client().request('PATCH', `/v1/products/${id}`, { token, body });

  /** A multipart/form-data upload of one file in the field "file", as a browser sends it. */
  async function upload(
    path: string,
    token: string,
    bytes: Buffer,
    name: string,
    type: string,
  ): Promise<HttpResult> {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    const response = await fetch(`${platform().gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const text = await response.text();
    const body: unknown =
      (response.headers.get('content-type') ?? '').includes('json') && text
        ? JSON.parse(text)
        : text;
    return { status: response.status, headers: response.headers, body };
  }
}
