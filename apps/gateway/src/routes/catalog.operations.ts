import {
  CreateProductRequest,
  ImportJob,
  ImportJobAccepted,
  Product,
  ProductDeleted,
  ProductList,
  ProductQuery,
  UpdateProductRequest,
} from '#atlas/contracts';
import type { RouteTable } from './operation.js';

/** Products, their images and CSV imports (background jobs): the catalog service. */
export const CATALOG_OPERATIONS = {
  listProducts: {
    method: 'GET',
    path: '/v1/products',
    access: 'public',
    tag: 'catalog',
    summary: 'List and search products (cached)',
    description:
      'By name; `q` searches names and descriptions (web search syntax: "a phrase", -word, ' +
      'or), best matches first. Archived products are not listed.',
    request: { query: ProductQuery },
    responses: { 200: { description: 'A page of products', body: ProductList } },
    upstream: 'catalog',
  },
  getProduct: {
    method: 'GET',
    path: '/v1/products/:id',
    access: 'public',
    tag: 'catalog',
    summary: 'One product (cached)',
    description: 'An archived product answers 404, like one that never existed.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The product', body: Product } },
    problems: [404],
    upstream: 'catalog',
  },
  createProduct: {
    method: 'POST',
    path: '/v1/products',
    access: { permission: 'products:write' },
    tag: 'catalog',
    summary: 'Add a product (catalog-manager or admin)',
    description: 'The SKU identifies the product for imports and cannot change; 409 when taken.',
    request: { body: CreateProductRequest },
    responses: { 201: { description: 'The new product', body: Product } },
    problems: [409],
    upstream: 'catalog',
  },
  updateProduct: {
    method: 'PATCH',
    path: '/v1/products/:id',
    access: { permission: 'products:write' },
    tag: 'catalog',
    summary: 'Change a product’s name, description, price, currency or stock',
    description:
      'Any of those fields, at least one. Stock set here replaces the count on hand, as a ' +
      'stock take would. Cached reads see the change at once, on every replica.',
    request: { params: { id: 'uuid' }, body: UpdateProductRequest },
    responses: { 200: { description: 'The product as it is now', body: Product } },
    problems: [404],
    upstream: 'catalog',
  },
  deleteProduct: {
    method: 'DELETE',
    path: '/v1/products/:id',
    access: { permission: 'products:write' },
    tag: 'catalog',
    summary: 'Delete a product: removed if never ordered, otherwise archived (hidden, kept)',
    description:
      'An archived product can no longer be ordered or listed, but the orders that refer to ' +
      'it keep their history.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'What happened to it', body: ProductDeleted } },
    problems: [404],
    upstream: 'catalog',
  },
  uploadProductImage: {
    method: 'POST',
    path: '/v1/products/:id/image',
    access: { permission: 'products:write' },
    tag: 'catalog',
    summary: 'Upload the product’s image: JPEG, PNG or WebP (by content), at most 5 MiB',
    description:
      'As multipart/form-data with the file in the field `file`. The type is read from the ' +
      'bytes, not the file name; a new image replaces the old one.',
    request: { params: { id: 'uuid' }, upload: 'file' },
    responses: {
      201: { description: 'The product, with its new imageUrl', body: Product },
    },
    problems: [404, 413, 415],
    upstream: 'catalog',
  },
  getProductImage: {
    method: 'GET',
    path: '/v1/products/:id/image',
    access: 'public',
    tag: 'catalog',
    summary: 'The product’s image (its imageUrl)',
    description: 'The bytes as uploaded, with their content type; 404 when it has none.',
    request: { params: { id: 'uuid' } },
    responses: {
      200: {
        description: 'The image, as uploaded',
        content: ['image/jpeg', 'image/png', 'image/webp'],
      },
    },
    problems: [404],
    upstream: 'catalog',
  },
  importProducts: {
    method: 'POST',
    path: '/v1/products/import',
    access: { permission: 'products:write' },
    tag: 'catalog',
    summary: 'Import products from a CSV file, as a background job (follow it at its location)',
    description:
      'Columns: sku, name, description (optional), priceCents, currency, stock. Rows with a ' +
      'known SKU update that product; invalid rows are reported, one by one, on the job.',
    request: { upload: 'file' },
    responses: {
      202: { description: 'The job, and where to follow it', body: ImportJobAccepted },
    },
    problems: [400, 413, 415],
    upstream: 'catalog',
  },
  getJob: {
    method: 'GET',
    path: '/v1/jobs/:id',
    access: { permission: 'jobs:read' },
    tag: 'catalog',
    summary: 'A job’s status, progress and per-row errors (its owner or admin)',
    description:
      'Background jobs; today the catalog’s CSV imports. Someone else’s job answers 404, as ' +
      'if it did not exist.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The job', body: ImportJob } },
    problems: [404],
    upstream: 'catalog',
  },
} as const satisfies RouteTable;
