import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  newEvent,
  ProductChanged,
  type CreateProductRequest,
  type Product as ProductDto,
  type ProductChangeKind,
  type ProductDeleted,
  type ProductList,
  type ProductLookup,
  type ProductQuery,
  type UpdateProductRequest,
} from '#atlas/contracts';
import { conflict, notFound } from '#atlas/http';
import { OutboxService } from '#atlas/messaging';
import { isUniqueViolation } from '#atlas/persistence';
import { ImageStorage } from '../images/image.storage.js';
import { ProductCache } from './product-cache.js';
import { Product, toProductDto } from './product.entity.js';

/**
 * The catalog's products: reads through the cache, writes in a transaction that also puts a
 * ProductChanged event in the outbox, then drop the product from every cache.
 */
@Injectable()
export class ProductsService {
  private readonly logger = new Logger(ProductsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: ProductCache,
    private readonly outbox: OutboxService,
    private readonly images: ImageStorage,
  ) {}

  list(query: ProductQuery): Promise<ProductList> {
    return this.cache.list(query, () => this.load(query));
  }

  async get(id: string): Promise<ProductDto> {
    const product = await this.cache.product(id, async () => {
      const found = await this.dataSource.getRepository(Product).findOneBy({ id });
      return found ? toProductDto(found) : null;
    });
    if (!product) throw productNotFound();
    return product;
  }

  /**
   * One query by primary key for the whole batch. Not through the per-product cache: a batch
   * of misses would then be as many loads, and this is one indexed read.
   */
  async lookup(ids: readonly string[]): Promise<ProductLookup> {
    const found = await this.dataSource.getRepository(Product).findBy({ id: In([...ids]) });
    return { items: found.map(toProductDto) };
  }

  async create(request: CreateProductRequest): Promise<ProductDto> {
    const product = this.dataSource.getRepository(Product).create({
      id: randomUUID(),
      ...request,
      imageUrl: null,
      imageKey: null,
      imageContentType: null,
    });
    await this.change(product.id, 'CREATED', async (manager) => {
      await manager.insert(Product, product).catch(rethrowSkuTaken(request.sku));
    });
    return toProductDto(product);
  }

  async update(id: string, request: UpdateProductRequest): Promise<ProductDto> {
    let updated: Product | undefined;
    await this.change(id, 'UPDATED', async (manager) => {
      const product = await lockProduct(manager, id);
      Object.assign(product, request);
      await manager.save(Product, product);
      updated = product;
    });
    if (!updated) throw productNotFound();
    return toProductDto(updated);
  }

  /**
   * Removes a product no order ever reserved. One that orders refer to is archived instead:
   * hidden, unorderable, its SKU free for reuse, but still there for the orders' history.
   * The product row is locked first, and a reservation locks it too, so the check cannot miss
   * an order reserving it at the same moment.
   */
  async delete(id: string): Promise<ProductDeleted> {
    let outcome: ProductDeleted['outcome'] = 'removed';
    let imageKey: string | null = null;
    await this.change(id, 'DELETED', async (manager) => {
      const product = await lockProduct(manager, id);
      imageKey = product.imageKey;
      const reserved: unknown[] = await manager.query(
        'SELECT 1 FROM stock_reservations WHERE items @> $1::jsonb LIMIT 1',
        [JSON.stringify([{ productId: id }])],
      );
      if (reserved.length > 0) {
        outcome = 'archived';
        await manager.softDelete(Product, { id });
      } else {
        await manager.delete(Product, { id });
      }
    });
    if (imageKey) await this.deleteImageQuietly(imageKey);
    return { id, outcome };
  }

  /**
   * Runs `write` and enqueues the ProductChanged event in one transaction, then drops the
   * product from the caches. If the caches cannot be reached now, the event will drop it.
   */
  async change(
    productId: string,
    kind: ProductChangeKind,
    write: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await write(manager);
      await this.outbox.enqueue(
        manager,
        ProductChanged,
        newEvent(ProductChanged, { productId, change: kind }),
      );
    });
    await this.forget([productId]);
  }

  /** Drops products from every cache now; logged, not thrown, since their events follow. */
  async forget(productIds: readonly string[]): Promise<void> {
    try {
      await this.cache.forget(productIds);
    } catch (error) {
      this.logger.warn(
        { err: error, productIds },
        'could not drop products from the cache now; their ProductChanged events will',
      );
    }
  }

  private async deleteImageQuietly(key: string): Promise<void> {
    try {
      await this.images.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, key }, 'could not delete the image of a deleted product');
    }
  }

  private async load(query: ProductQuery): Promise<ProductList> {
    const builder = this.dataSource
      .getRepository(Product)
      .createQueryBuilder('product')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    if (query.q) {
      // Full-text search over name and description: the generated `search` column, indexed
      // with GIN; websearch syntax ("exact phrase", -excluded, or). Best matches first.
      builder
        .where(`product.search @@ websearch_to_tsquery('simple', :q)`, { q: query.q })
        .orderBy(`ts_rank(product.search, websearch_to_tsquery('simple', :q))`, 'DESC')
        .addOrderBy('product.name', 'ASC');
    } else {
      builder.orderBy('product.name', 'ASC');
    }
    builder.addOrderBy('product.id', 'ASC');
    const [products, total] = await builder.getManyAndCount();
    return { items: products.map(toProductDto), page: query.page, limit: query.limit, total };
  }
}

/** The product row, locked for this transaction; archived products count as missing. */
export async function lockProduct(manager: EntityManager, id: string): Promise<Product> {
  const product = await manager.findOne(Product, {
    where: { id },
    lock: { mode: 'pessimistic_write' },
  });
  if (!product) throw productNotFound();
  return product;
}

export function productNotFound() {
  return notFound('CATALOG.PRODUCT_NOT_FOUND', 'No product has this id.');
}

function rethrowSkuTaken(sku: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) {
      throw conflict('CATALOG.SKU_TAKEN', `A product with SKU ${sku} already exists.`);
    }
    throw error;
  };
}
