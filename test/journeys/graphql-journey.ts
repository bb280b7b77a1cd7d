import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AtlasClient } from '#atlas/client';
import { GraphqlResponse, type Product, type ServiceName } from '#atlas/contracts';
import type { PlatformUnderTest } from './platform-under-test.js';

export interface GraphqlPlatformUnderTest extends PlatformUnderTest {
  /** Each service's own address: the journey reads their /metrics to count calls. */
  readonly serviceUrls: Readonly<Record<ServiceName, string>>;
}

/** The answer to MY_ORDERS, checked rather than assumed. */
const MyOrders = z
  .object({
    myOrders: z.object({
      total: z.number(),
      items: z.array(
        z.object({
          id: z.string(),
          items: z.array(
            z.object({
              productId: z.string(),
              quantity: z.number(),
              product: z.object({ id: z.string(), name: z.string() }).nullable(),
            }),
          ),
        }),
      ),
    }),
  })
  .transform((answer) => answer.myOrders);

/**
 * GraphQL at the gateway's /graphql, through the whole platform, shared by both modes: public
 * product reads, the REST routes' authentication for the caller's own data, the items'
 * products batched into one catalog call, and the depth and cost limits.
 */
export function graphqlJourney(platform: () => GraphqlPlatformUnderTest): void {
  const client = () => new AtlasClient(platform().gatewayUrl);
  const graphql = async (
    query: string,
    options: { token?: string; variables?: Record<string, unknown> } = {},
  ) =>
    (
      await client().expect(200, GraphqlResponse, 'POST', '/graphql', {
        ...(options.token ? { token: options.token } : {}),
        body: { query, ...(options.variables ? { variables: options.variables } : {}) },
      })
    ).body;
  const codes = (response: GraphqlResponse) =>
    response.errors?.map((error) => [error.path?.join('.'), error.extensions.code]);

  /** How many requests a service has answered on a route, from its Prometheus metrics. */
  async function served(service: ServiceName, route: string): Promise<number> {
    const metrics = await (await fetch(`${platform().serviceUrls[service]}/metrics`)).text();
    return metrics
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('http_server_request_duration_seconds_count{') &&
          line.includes(`route="${route}"`),
      )
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  async function orderOf(token: string, products: readonly Product[]): Promise<string> {
    const placed = await client().placeOrder(
      token,
      products.map((product) => ({ productId: product.id, quantity: 1 })),
    );
    await client().settledOrder(token, placed.body.id);
    return placed.body.id;
  }

  const MY_ORDERS = `query ($limit: Int) {
    myOrders(limit: $limit) { total items { id items { productId quantity product { id name } } } }
  }`;

  describe('GraphQL at /graphql', () => {
    it('answers product queries without a token, as the REST routes do', async () => {
      const rest = await client().products();
      const [first] = rest.items;
      if (!first) throw new Error('the catalog is empty');

      const answer = await graphql(
        `
          query ($id: ID!) {
            products(limit: 100) {
              total
              items {
                id
                name
                priceCents
              }
            }
            product(id: $id) {
              id
              sku
              name
              description
              priceCents
              currency
              imageUrl
            }
          }
        `,
        { variables: { id: first.id } },
      );

      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({
        products: {
          total: rest.total,
          items: rest.items.map(({ id, name, priceCents }) => ({ id, name, priceCents })),
        },
        // Stock is left out: orders of other journeys may still be moving it.
        product: {
          id: first.id,
          sku: first.sku,
          name: first.name,
          description: first.description,
          priceCents: first.priceCents,
          currency: first.currency,
          imageUrl: first.imageUrl,
        },
      });
      const search = await graphql('{ products(q: "zzz-no-such-words", limit: 5) { total } }');
      expect(search.data).toEqual({ products: { total: 0 } });
    });

    it('refuses me and myOrders without a token, with a forged one and after logout', async () => {
      const customer = await client().newCustomer();
      const tokens = await client().login(customer.email, customer.password);
      const query = '{ me { email } myOrders { total } products(limit: 1) { total } }';

      const signedIn = await graphql(query, { token: tokens.accessToken });
      expect(signedIn.errors).toBeUndefined();
      expect(signedIn.data).toMatchObject({
        me: { email: customer.email },
        myOrders: { total: 0 },
      });

      const logout = await client().request('POST', '/v1/auth/logout', {
        token: tokens.accessToken,
        body: { refreshToken: tokens.refreshToken },
      });
      expect(logout.status).toBe(204);
      const [header, payload] = customer.token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(86)}`;

      for (const token of [undefined, 'not-a-jwt', forged, tokens.accessToken]) {
        const refused = await graphql(query, token ? { token } : {});
        expect([token, codes(refused)]).toEqual([
          token,
          [
            ['me', 'AUTH.UNAUTHENTICATED'],
            ['myOrders', 'AUTH.UNAUTHENTICATED'],
          ],
        ]);
        // The public part of the same query is still answered.
        expect(refused.data).toMatchObject({ me: null, myOrders: null, products: {} });
      }
    });

    it('shows each customer only their own orders, each item with its product', async () => {
      const catalog = (await client().products()).items.filter((product) => product.stock > 10);
      const [lantern, stove, tent] = catalog;
      if (!lantern || !stove || !tent) throw new Error('the catalog needs three products');
      const alice = await client().newCustomer();
      const bob = await client().newCustomer();
      const alicesOrder = await orderOf(alice.token, [lantern, stove]);
      const bobsOrder = await orderOf(bob.token, [tent]);

      const read = async (token: string) => {
        const answer = await graphql(MY_ORDERS, { token });
        expect(answer.errors).toBeUndefined();
        return MyOrders.parse(answer.data);
      };
      const named = (product: Product) => ({ id: product.id, name: product.name });
      const byId = (a: Product, b: Product) => a.id.localeCompare(b.id);

      expect(await read(alice.token)).toEqual({
        total: 1,
        items: [
          {
            id: alicesOrder,
            // The orders service keeps an order's lines in product id order.
            items: [lantern, stove].sort(byId).map((product) => ({
              productId: product.id,
              quantity: 1,
              product: named(product),
            })),
          },
        ],
      });
      expect(await read(bob.token)).toEqual({
        total: 1,
        items: [
          {
            id: bobsOrder,
            items: [{ productId: tent.id, quantity: 1, product: named(tent) }],
          },
        ],
      });
    });

    it('resolves the products of every item with one catalog call and the orders with one', async () => {
      const catalog = (await client().products()).items.filter((product) => product.stock > 10);
      if (catalog.length < 4) throw new Error('the catalog needs four products');
      const customer = await client().newCustomer();
      await orderOf(customer.token, catalog.slice(0, 3));
      await orderOf(customer.token, catalog.slice(1, 4));

      const before = {
        lookups: await served('catalog', '/v1/products/lookup'),
        singleReads: await served('catalog', '/v1/products/:id'),
        orderLists: await served('orders', '/v1/orders'),
      };
      const answer = await graphql(MY_ORDERS, { token: customer.token });
      // A service counts a request once it has sent its answer: wait for that, not longer.
      const lookups = await client().eventually(
        () => served('catalog', '/v1/products/lookup'),
        (count) => count > before.lookups,
        5_000,
      );

      expect(answer.errors).toBeUndefined();
      const orders = MyOrders.parse(answer.data).items;
      const items = orders.flatMap((order) => order.items);
      expect(items).toHaveLength(6);
      expect(items.every((item) => item.product?.id === item.productId)).toBe(true);
      expect({
        lookups: lookups - before.lookups,
        singleReads: (await served('catalog', '/v1/products/:id')) - before.singleReads,
        orderLists: (await served('orders', '/v1/orders')) - before.orderLists,
      }).toEqual({ lookups: 1, singleReads: 0, orderLists: 1 });
    });

    it('refuses queries nested too deep or too costly, before calling any service', async () => {
      const customer = await client().newCustomer();
      const before = await served('orders', '/v1/orders');

      const deep = await graphql(
        '{ me { orders { items { customer { orders { items { customer { id } } } } } } } }',
        { token: customer.token },
      );
      const costly = await graphql(MY_ORDERS, { token: customer.token, variables: { limit: 100 } });
      const aliased = await graphql(
        `{ ${Array.from({ length: 60 }, (_, n) => `p${n}: products(limit: 100) { items { id } }`).join(' ')} }`,
      );

      expect(deep.data).toBeUndefined();
      expect(deep.errors?.map((error) => [error.extensions.code, error.message])).toEqual([
        ['GRAPHQL.DEPTH_LIMIT', 'The query nests fields 8 deep; at most 7 are allowed.'],
      ]);
      expect(costly.errors?.map((error) => error.extensions)).toEqual([
        { code: 'GRAPHQL.COST_LIMIT', cost: 10_101, max: 5_000 },
      ]);
      expect(aliased.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL.COST_LIMIT']);
      expect(await served('orders', '/v1/orders')).toBe(before);
    });
  });
}
