import { describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Order, OrderList, Product, UserProfile } from '#atlas/contracts';
import { AppError, unauthorized } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
import type { Upstream } from '../gateway.config.js';
import { GraphqlContext, productBatcher } from './graphql-context.js';
import { parseGatewayConfig } from '../gateway.config.js';
import {
  GRAPHQL_LIMITS,
  graphqlOptions,
  runGraphql,
  type GraphqlOptions,
} from './graphql.executor.js';
import { atlasSchema } from './graphql.schema.js';
import type { UpstreamReads } from './upstream-reads.js';

const product = (name: string): Product => ({
  id: randomUUID(),
  sku: name.toUpperCase(),
  name,
  description: '',
  priceCents: 1_000,
  currency: 'EUR',
  stock: 5,
  imageUrl: null,
});

const order = (products: readonly Product[]): Order => ({
  id: randomUUID(),
  customerId: randomUUID(),
  status: 'CONFIRMED',
  items: products.map((item) => ({ productId: item.id, quantity: 1, priceCents: 1_000 })),
  totalCents: 1_000 * products.length,
  currency: 'EUR',
  createdAt: new Date().toISOString(),
});

const caller: AuthenticatedUser = {
  id: randomUUID(),
  roles: ['customer'],
  sessionId: randomUUID(),
  tokenId: randomUUID(),
};

/** Services answering from memory, recording every call; a stand-in for UpstreamReads only. */
function fakeServices(catalog: readonly Product[], orders: readonly Order[]) {
  const calls: string[] = [];
  const answer = (path: string): unknown => {
    const url = new URL(path, 'http://service');
    if (url.pathname === '/v1/products/lookup') {
      const ids = url.searchParams.get('ids')?.split(',') ?? [];
      return { items: catalog.filter((item) => ids.includes(item.id)) };
    }
    if (url.pathname === '/v1/orders') {
      return { items: [...orders], page: 1, limit: 20, total: orders.length } satisfies OrderList;
    }
    if (url.pathname === '/v1/auth/me') {
      return {
        id: caller.id,
        email: 'c@example.com',
        roles: ['customer'],
        displayName: 'C',
        mfaEnabled: false,
      } satisfies UserProfile;
    }
    throw new Error(`no fake answer for ${path}`);
  };
  const reads = {
    get<Schema extends z.ZodType>(service: Upstream, path: string, schema: Schema) {
      calls.push(`${service} ${path.split('?')[0] ?? path}`);
      return Promise.resolve(schema.parse(answer(path)));
    },
  };
  // The context uses nothing of UpstreamReads but `get`.
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion
  return { calls, reads: reads as unknown as UpstreamReads };
}

const options: GraphqlOptions = {
  schema: atlasSchema,
  limits: GRAPHQL_LIMITS,
  introspection: true,
};
const logger = { error: jest.fn() };

function run(
  query: string,
  services: ReturnType<typeof fakeServices>,
  authenticate: () => Promise<AuthenticatedUser> = () => Promise.resolve(caller),
  runOptions: GraphqlOptions = options,
) {
  return runGraphql(
    { query },
    new GraphqlContext(services.reads, authenticate),
    runOptions,
    logger,
  );
}

describe('runGraphql', () => {
  it('resolves the product of every item of every order with one catalog call', async () => {
    const catalog = ['lantern', 'stove', 'tent', 'rope'].map(product);
    const [lantern, stove, tent, rope] = catalog;
    if (!lantern || !stove || !tent || !rope) throw new Error('four products');
    const services = fakeServices(catalog, [order([lantern, stove, tent]), order([stove, rope])]);

    const result = await run(
      '{ myOrders { items { items { quantity product { name } } } } }',
      services,
    );

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      myOrders: {
        items: [
          {
            items: ['lantern', 'stove', 'tent'].map((name) => ({ quantity: 1, product: { name } })),
          },
          { items: ['stove', 'rope'].map((name) => ({ quantity: 1, product: { name } })) },
        ],
      },
    });
    expect(services.calls).toEqual(['orders /v1/orders', 'catalog /v1/products/lookup']);
  });

  it('asks orders once for a page however often the query reaches it', async () => {
    const services = fakeServices([], [order([])]);
    const result = await run(
      '{ myOrders { total } me { orders { total } } again: myOrders { items { customer { email } } } }',
      services,
    );
    expect(result.errors).toBeUndefined();
    expect(services.calls.sort()).toEqual(['auth /v1/auth/me', 'orders /v1/orders']);
  });

  it('refuses me and myOrders without authentication, and asks no service', async () => {
    const services = fakeServices([], []);
    const result = await run('{ me { id } myOrders { total } }', services, () =>
      Promise.reject(unauthorized('AUTH.UNAUTHENTICATED', 'A valid access token is required.')),
    );
    expect(result.data).toEqual({ me: null, myOrders: null });
    expect(result.errors?.map((error) => [error.path, error.extensions.code])).toEqual([
      [['me'], 'AUTH.UNAUTHENTICATED'],
      [['myOrders'], 'AUTH.UNAUTHENTICATED'],
    ]);
    expect(services.calls).toEqual([]);
  });

  it('answers the public fields of a query whose private ones are refused', async () => {
    const lantern = product('lantern');
    const services = fakeServices([lantern], []);
    const result = await run(
      `{ product(id: "${lantern.id}") { name } myOrders { total } }`,
      services,
      () => Promise.reject(unauthorized('AUTH.UNAUTHENTICATED', 'no')),
    );
    expect(result.data).toEqual({ product: { name: 'lantern' }, myOrders: null });
    expect(result.errors?.map((error) => error.extensions.code)).toEqual(['AUTH.UNAUTHENTICATED']);
  });

  it('refuses queries beyond the depth or cost limit before calling any service', async () => {
    const services = fakeServices([], []);
    const deep = await run(
      '{ me { orders { items { customer { orders { items { customer { id } } } } } } } }',
      services,
    );
    const costly = await run(
      '{ myOrders(limit: 100) { items { items { product { name } } } } }',
      services,
    );
    expect(deep.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL.DEPTH_LIMIT']);
    expect(costly.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL.COST_LIMIT']);
    expect(deep.data).toBeUndefined();
    expect(services.calls).toEqual([]);
  });

  it('refuses introspection when it is turned off, and serves it when it is on', async () => {
    const services = fakeServices([], []);
    const off = await run('{ __schema { queryType { name } } }', services, undefined, {
      ...options,
      introspection: false,
    });
    expect(new Set(off.errors?.map((error) => error.extensions.code))).toEqual(
      new Set(['GRAPHQL.VALIDATION_FAILED']),
    );
    expect(off.data).toBeUndefined();
    expect(off.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    expect(await run('{ __schema { queryType { name } } }', services)).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
  });

  it('turns introspection off in production, with the API docs', () => {
    const env = {
      AUTH_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
      ATLAS_CACHE: 'memory',
    };
    expect(graphqlOptions(parseGatewayConfig(env)).introspection).toBe(true);
    expect(
      graphqlOptions(
        parseGatewayConfig({ ...env, NODE_ENV: 'production', REDIS_URL: 'redis://r:6379' }),
      ).introspection,
    ).toBe(false);
  });

  it('checks arguments with the REST contracts: a page of 101 is refused', async () => {
    const result = await run('{ products(limit: 101) { total } }', fakeServices([], []));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST.INVALID', status: 400 });
  });

  it('reports syntax errors with a code, and masks errors that are not ours to explain', async () => {
    const syntax = await run('{ products { ', fakeServices([], []));
    expect(syntax.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL.PARSE_FAILED']);

    const broken = fakeServices([], []);
    const leaky = {
      get: () => Promise.reject(new Error('connect ECONNREFUSED catalog.internal:3002')),
    };
    // oxlint-disable-next-line typescript/no-unsafe-type-assertion
    const context = new GraphqlContext(leaky as unknown as UpstreamReads, () =>
      Promise.resolve(caller),
    );
    const result = await runGraphql({ query: '{ products { total } }' }, context, options, logger);
    expect(result.errors).toEqual([
      {
        message: 'Internal error.',
        locations: [{ line: 1, column: 3 }],
        path: ['products'],
        extensions: { code: 'INTERNAL' },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('catalog.internal');
    expect(broken.calls).toEqual([]);
  });

  it('keeps a service’s problem code and message', async () => {
    const failing = {
      get: () => Promise.reject(new AppError('AUTH.UNAVAILABLE', 503, 'Retry shortly.')),
    };
    // oxlint-disable-next-line typescript/no-unsafe-type-assertion
    const context = new GraphqlContext(failing as unknown as UpstreamReads, () =>
      Promise.resolve(caller),
    );
    const result = await runGraphql({ query: '{ products { total } }' }, context, options, logger);
    expect(result.errors?.[0]).toMatchObject({
      message: 'Retry shortly.',
      extensions: { code: 'AUTH.UNAVAILABLE', status: 503 },
    });
  });
});

describe('productBatcher', () => {
  it('fetches the ids asked for in one tick together, each once, at most 100 a call', async () => {
    const lookups: (readonly string[])[] = [];
    const loader = productBatcher((ids) => {
      lookups.push(ids);
      return Promise.resolve(ids.slice(0, 1).map((id) => ({ ...product('first'), id })));
    });
    const ids = Array.from({ length: 150 }, () => randomUUID());

    const found = await Promise.all([...ids, ...ids].map((id) => loader.load(id)));

    expect(lookups.map((batch) => batch.length)).toEqual([100, 50]);
    expect(new Set(lookups.flat()).size).toBe(150);
    expect(found.filter((item) => item !== null).map((item) => item.id)).toEqual([
      ids[0],
      ids[100],
      ids[0],
      ids[100],
    ]);
  });
});
