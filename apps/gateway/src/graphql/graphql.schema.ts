import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLNullableOutputType,
} from 'graphql';
import { z } from 'zod';
import {
  MAX_ORDER_LINES,
  ORDER_STATUSES,
  PageQuery,
  ProductQuery,
  type Order,
  type OrderList,
  type Product,
  type ProductList,
  type UserProfile,
} from '#atlas/contracts';
import { badRequest } from '#atlas/http';
import type { GraphqlContext } from './graphql-context.js';
import type { FieldCost } from './query-limits.js';

/**
 * The public GraphQL schema: the same data as the REST API (same shapes, same paging caps),
 * read through the same services. `products` and `product` are public; `me` and `myOrders`
 * need a token. User and orders refer to each other (a user's orders, an order's customer),
 * so queries can nest without end: the depth and cost limits (query-limits.ts) bound them.
 */

type OrderItem = Order['items'][number];

const nonNull = (type: GraphQLNullableOutputType) => new GraphQLNonNull(type);
const listOf = (type: GraphQLNullableOutputType) =>
  new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type)));

const pageArguments: GraphQLFieldConfigArgumentMap = {
  page: { type: GraphQLInt, default: { value: 1 } },
  limit: { type: GraphQLInt, default: { value: 20 }, description: 'at most 100' },
};
const paged: FieldCost = { pageSizeArgument: 'limit' };
const pageItems: FieldCost = { listSize: 'page' };

/** Arguments checked with the REST route's own contract: one set of rules for both. */
function parseArguments<Schema extends z.ZodType>(
  schema: Schema,
  args: Record<string, unknown>,
): z.output<Schema> {
  // GraphQL clients send `null` for an argument they leave out; REST would omit it.
  const given = Object.entries(args).filter(([, value]) => value !== null);
  const parsed = schema.safeParse(Object.fromEntries(given));
  if (parsed.success) return parsed.data;
  throw badRequest(
    'REQUEST.INVALID',
    'The arguments are invalid.',
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

const ProductType: GraphQLObjectType<Product, GraphqlContext> = new GraphQLObjectType({
  name: 'Product',
  fields: {
    id: { type: nonNull(GraphQLID) },
    sku: { type: nonNull(GraphQLString) },
    name: { type: nonNull(GraphQLString) },
    description: { type: nonNull(GraphQLString) },
    priceCents: { type: nonNull(GraphQLInt) },
    currency: { type: nonNull(GraphQLString) },
    stock: { type: nonNull(GraphQLInt) },
    imageUrl: { type: GraphQLString },
  },
});

const ProductPageType: GraphQLObjectType<ProductList, GraphqlContext> = new GraphQLObjectType({
  name: 'ProductPage',
  fields: {
    items: { type: listOf(ProductType), extensions: { cost: pageItems } },
    page: { type: nonNull(GraphQLInt) },
    limit: { type: nonNull(GraphQLInt) },
    total: { type: nonNull(GraphQLInt) },
  },
});

const OrderStatusType = new GraphQLEnumType({
  name: 'OrderStatus',
  values: Object.fromEntries(ORDER_STATUSES.map((status) => [status, { value: status }])),
});

const OrderItemType: GraphQLObjectType<OrderItem, GraphqlContext> = new GraphQLObjectType({
  name: 'OrderItem',
  fields: {
    productId: { type: nonNull(GraphQLID) },
    quantity: { type: nonNull(GraphQLInt) },
    priceCents: { type: GraphQLInt, description: 'known once the stock is reserved' },
    product: {
      type: ProductType,
      description: 'null once the product is archived; batched: one catalog call per request',
      resolve: (item, _args, context) => context.products.load(item.productId),
    },
  },
});

// User and Order refer to each other, hence the thunks.
const UserType: GraphQLObjectType<UserProfile, GraphqlContext> = new GraphQLObjectType({
  name: 'User',
  fields: () => ({
    id: { type: nonNull(GraphQLID) },
    email: { type: nonNull(GraphQLString) },
    displayName: { type: nonNull(GraphQLString) },
    roles: { type: listOf(GraphQLString) },
    mfaEnabled: { type: nonNull(GraphQLBoolean) },
    orders: {
      type: nonNull(OrderPageType),
      args: pageArguments,
      extensions: { cost: paged },
      // A User is only ever the caller (me, or the customer of their own order).
      resolve: (_user, args, context) => context.callerOrders(parseArguments(PageQuery, args)),
    },
  }),
});

const OrderType: GraphQLObjectType<Order, GraphqlContext> = new GraphQLObjectType({
  name: 'Order',
  fields: () => ({
    id: { type: nonNull(GraphQLID) },
    status: { type: nonNull(OrderStatusType) },
    reason: { type: GraphQLString },
    items: {
      type: listOf(OrderItemType),
      extensions: { cost: { listSize: MAX_ORDER_LINES } satisfies FieldCost },
    },
    totalCents: { type: GraphQLInt },
    currency: { type: GraphQLString },
    createdAt: { type: nonNull(GraphQLString), description: 'ISO 8601' },
    customer: {
      type: nonNull(UserType),
      // The orders service only ever answers with the caller's own orders.
      resolve: (_order, _args, context) => context.callerProfile(),
    },
  }),
});

const OrderPageType: GraphQLObjectType<OrderList, GraphqlContext> = new GraphQLObjectType({
  name: 'OrderPage',
  fields: () => ({
    items: { type: listOf(OrderType), extensions: { cost: pageItems } },
    page: { type: nonNull(GraphQLInt) },
    limit: { type: nonNull(GraphQLInt) },
    total: { type: nonNull(GraphQLInt) },
  }),
});

const QueryType = new GraphQLObjectType<unknown, GraphqlContext>({
  name: 'Query',
  fields: {
    products: {
      type: nonNull(ProductPageType),
      description: 'List and search products, as GET /v1/products (public)',
      args: { q: { type: GraphQLString, description: 'full-text search' }, ...pageArguments },
      extensions: { cost: paged },
      resolve: (_root, args, context) => context.productPage(parseArguments(ProductQuery, args)),
    },
    product: {
      type: ProductType,
      description: 'One product, or null (public)',
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: (_root, args, context) =>
        context.products.load(parseArguments(z.object({ id: z.uuid() }), args).id),
    },
    // Nullable, so that a refused `me` or `myOrders` leaves the public fields of the same
    // query answered (a non-null field's error would null the whole answer).
    me: {
      type: UserType,
      description: 'The caller (needs a token)',
      resolve: (_root, _args, context) => context.callerProfile(),
    },
    myOrders: {
      type: OrderPageType,
      description: 'The caller’s orders, newest first (needs a token)',
      args: pageArguments,
      extensions: { cost: paged },
      resolve: (_root, args, context) => context.callerOrders(parseArguments(PageQuery, args)),
    },
  },
});

export const atlasSchema = new GraphQLSchema({ query: QueryType });
