import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type {
  CreateProductRequest,
  Product as ProductDto,
  ProductList,
  ProductQuery,
} from '#atlas/contracts';
import { CacheStore } from '#atlas/cache';
import { conflict, notFound } from '#atlas/http';
import { isUniqueViolation } from '#atlas/persistence';
import { Product, toProductDto } from './product.entity.js';

export const PRODUCT_CACHE_TTL_MS = Symbol('PRODUCT_CACHE_TTL_MS');

/** Cache keys of product reads; everything under it is dropped when stock or products change. */
export const PRODUCT_CACHE_PREFIX = 'products:';

@Injectable()
export class ProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: CacheStore,
    @Inject(PRODUCT_CACHE_TTL_MS) private readonly ttlMs: number,
  ) {}

  /** Reads are cache-aside; concurrent misses for one key load once (single-flight). */
  list(query: ProductQuery): Promise<ProductList> {
    const key = `${PRODUCT_CACHE_PREFIX}list:${query.page}:${query.limit}:${query.q ?? ''}`;
    return this.cache.getOrLoad(key, this.ttlMs, () => this.load(query));
  }

  async get(id: string): Promise<ProductDto> {
    const product = await this.cache.getOrLoad(
      `${PRODUCT_CACHE_PREFIX}${id}`,
      this.ttlMs,
      async () => {
        const found = await this.dataSource.getRepository(Product).findOneBy({ id });
        return found ? toProductDto(found) : null;
      },
    );
    if (!product) throw notFound('CATALOG.PRODUCT_NOT_FOUND', 'No product has this id.');
    return product;
  }

  async create(request: CreateProductRequest): Promise<ProductDto> {
    const product = this.dataSource.getRepository(Product).create({
      id: randomUUID(),
      ...request,
      imageUrl: null,
    });
    try {
      await this.dataSource.getRepository(Product).insert(product);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('CATALOG.SKU_TAKEN', `A product with SKU ${request.sku} already exists.`);
      }
      throw error;
    }
    await this.invalidate();
    return toProductDto(product);
  }

  async invalidate(): Promise<void> {
    await this.cache.deleteByPrefix(PRODUCT_CACHE_PREFIX);
  }

  private async load(query: ProductQuery): Promise<ProductList> {
    const builder = this.dataSource
      .getRepository(Product)
      .createQueryBuilder('product')
      .orderBy('product.name', 'ASC')
      .addOrderBy('product.id', 'ASC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    if (query.q) {
      // Full-text search over name and description (the generated `search` column, GIN-indexed).
      builder.where(`product.search @@ websearch_to_tsquery('simple', :q)`, { q: query.q });
    }
    const [products, total] = await builder.getManyAndCount();
    return { items: products.map(toProductDto), page: query.page, limit: query.limit, total };
  }
}
