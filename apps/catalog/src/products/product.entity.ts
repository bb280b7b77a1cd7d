import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Product as ProductDto } from '#atlas/contracts';

@Entity({ name: 'products' })
export class Product {
  @PrimaryColumn('uuid')
  id: string;

  /** Unique among products that are not archived (a partial unique index). */
  @Column('text')
  sku: string;

  @Column('text')
  name: string;

  @Column('text')
  description: string;

  @Column('integer', { name: 'price_cents' })
  priceCents: number;

  @Column('char', { length: 3 })
  currency: string;

  /** Never negative: a CHECK constraint backs the conditional updates that reserve stock. */
  @Column('integer')
  stock: number;

  /** Where clients fetch the image; changes with every upload, so it can be cached for good. */
  @Column('text', { name: 'image_url', nullable: true })
  imageUrl: string | null;

  /** The image's key in the image storage, and its type as detected from its bytes. */
  @Column('text', { name: 'image_key', nullable: true })
  imageKey: string | null;

  @Column('text', { name: 'image_content_type', nullable: true })
  imageContentType: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /**
   * Set when a product that orders refer to is deleted: TypeORM's reads then skip it, so it
   * can be neither seen nor reserved, while the orders' history still points at a real row.
   */
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}

export function toProductDto(product: Product): ProductDto {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    currency: product.currency,
    stock: product.stock,
    imageUrl: product.imageUrl,
  };
}
