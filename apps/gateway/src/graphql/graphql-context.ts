import DataLoader from 'dataloader';
import {
  MAX_PRODUCT_LOOKUP_IDS,
  OrderList,
  PageQuery,
  ProductList,
  ProductLookup,
  UserProfile,
  type Product,
  type ProductQuery,
} from '#atlas/contracts';
import { AppError } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
import type { UpstreamReads } from './upstream-reads.js';

/**
 * Everything one GraphQL request's resolvers share, built per request so that nothing one
 * caller loaded (their profile, their orders, products) can be served to another.
 *
 * Each service is asked once per request for the same thing: the caller's profile and each
 * page of their orders are remembered, and products go through a batcher, so resolving the
 * product of every item of every order costs one catalog call, not one per item.
 */
export class GraphqlContext {
  /** Product by id; `null` for an unknown or archived id. */
  readonly products: DataLoader<string, Product | null>;
  private caller: Promise<AuthenticatedUser> | undefined;
  private profile: Promise<UserProfile> | undefined;
  private readonly orderPages = new Map<string, Promise<OrderList>>();

  constructor(
    private readonly reads: UpstreamReads,
    private readonly authenticate: () => Promise<AuthenticatedUser>,
  ) {
    this.products = productBatcher((ids) => this.lookUpProducts(ids));
  }

  /** The verified caller; throws 401 (as a GraphQL error) without a valid token. */
  authenticatedCaller(): Promise<AuthenticatedUser> {
    return (this.caller ??= this.authenticate());
  }

  async callerProfile(): Promise<UserProfile> {
    await this.authenticatedCaller();
    return (this.profile ??= this.reads
      .get('auth', '/v1/auth/me', UserProfile)
      .then((profile) => profile ?? notSignedIn()));
  }

  /** A page of the caller's own orders: the orders service answers only with those. */
  async callerOrders(page: PageQuery): Promise<OrderList> {
    await this.authenticatedCaller();
    const key = `page=${page.page}&limit=${page.limit}`;
    let orders = this.orderPages.get(key);
    if (!orders) {
      orders = this.reads
        .get('orders', `/v1/orders?${key}`, OrderList)
        .then((list) => list ?? notSignedIn());
      this.orderPages.set(key, orders);
    }
    return orders;
  }

  /** A page of the catalog, as GET /v1/products serves it (cached there). */
  async productPage(query: ProductQuery): Promise<ProductList> {
    const params = new URLSearchParams({ page: String(query.page), limit: String(query.limit) });
    if (query.q) params.set('q', query.q);
    const list = await this.reads.get('catalog', `/v1/products?${params.toString()}`, ProductList);
    return list ?? { items: [], page: query.page, limit: query.limit, total: 0 };
  }

  private async lookUpProducts(ids: readonly string[]): Promise<readonly Product[]> {
    const found = await this.reads.get(
      'catalog',
      `/v1/products/lookup?ids=${ids.map(encodeURIComponent).join(',')}`,
      ProductLookup,
    );
    return found?.items ?? [];
  }
}

/**
 * Collects every product id asked for while one level of the query resolves, then fetches
 * them in one lookup (several only past the lookup's cap); an id asked twice is fetched once.
 */
export function productBatcher(
  lookup: (ids: readonly string[]) => Promise<readonly Product[]>,
): DataLoader<string, Product | null> {
  return new DataLoader<string, Product | null>(
    async (ids) => {
      const found = new Map((await lookup(ids)).map((product) => [product.id, product]));
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: MAX_PRODUCT_LOOKUP_IDS },
  );
}

/** The service no longer knows the caller the gateway just verified: a deleted account. */
function notSignedIn(): never {
  throw new AppError('AUTH.UNAUTHENTICATED', 401, 'A valid access token is required.');
}
