import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Product as ProductDto } from '#atlas/contracts';
import { AppError, notFound } from '#atlas/http';
import { Product, toProductDto } from '../products/product.entity.js';
import { lockProduct, ProductsService } from '../products/products.service.js';
import { detectImageType } from './image-type.js';
import { ImageStorage } from './image.storage.js';

/** A product's image: stored under its content hash, served back at the product's imageUrl. */
@Injectable()
export class ProductImagesService {
  private readonly logger = new Logger(ProductImagesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly products: ProductsService,
    private readonly storage: ImageStorage,
  ) {}

  /**
   * Stores the image first, then points the product at it in a transaction (with its
   * ProductChanged event); the image it replaces is deleted once that committed. A failure in
   * between leaves at worst an unreferenced file, never a product pointing at nothing.
   */
  async replace(productId: string, bytes: Buffer): Promise<ProductDto> {
    const type = detectImageType(bytes);
    if (!type) {
      throw new AppError(
        'CATALOG.IMAGE_TYPE_UNSUPPORTED',
        415,
        'The file is not a JPEG, PNG or WebP image (judged by its content, not its name).',
      );
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const key = `${productId}/${hash}.${type.extension}`;
    await this.storage.put(key, bytes);

    let previousKey: string | null = null;
    let updated: Product | undefined;
    try {
      await this.products.change(productId, 'IMAGE_CHANGED', async (manager) => {
        const product = await lockProduct(manager, productId);
        previousKey = product.imageKey;
        product.imageKey = key;
        product.imageContentType = type.contentType;
        // A new URL per image: browsers and CDNs may then keep each one for good.
        product.imageUrl = `/v1/products/${productId}/image?v=${hash.slice(0, 16)}`;
        await manager.save(Product, product);
        updated = product;
      });
    } catch (error) {
      await this.deleteQuietly(key);
      throw error;
    }
    if (previousKey && previousKey !== key) await this.deleteQuietly(previousKey);
    if (!updated) throw new Error('the product was not updated');
    return toProductDto(updated);
  }

  async open(productId: string): Promise<{ stream: Readable; contentType: string; hash: string }> {
    const product = await this.dataSource.getRepository(Product).findOne({
      where: { id: productId },
      select: { id: true, imageKey: true, imageContentType: true },
    });
    const missing = () => notFound('CATALOG.IMAGE_NOT_FOUND', 'This product has no image.');
    if (!product?.imageKey || !product.imageContentType) throw missing();
    const stream = await this.storage.open(product.imageKey);
    if (!stream) throw missing();
    const hash = product.imageKey.split('/')[1]?.split('.')[0] ?? '';
    return { stream, contentType: product.imageContentType, hash };
  }

  private async deleteQuietly(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn({ err: error, key }, 'could not delete an image that is no longer used');
    }
  }
}
