import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Product } from './product.entity.js';

export const SEED_DEMO_CATALOG = Symbol('SEED_DEMO_CATALOG');

const DEMO_PRODUCTS = [
  ['ATL-TRAIL-01', 'Trail running shoes', 'Light, grippy shoes for rocky trails.', 12_900],
  ['ATL-JACKET-02', 'Rain shell jacket', 'Waterproof, breathable shell that packs small.', 18_900],
  ['ATL-PACK-03', 'Day pack 22 L', 'A 22 litre pack with a hydration sleeve.', 7_900],
  ['ATL-BOTTLE-04', 'Insulated bottle', 'Keeps water cold for a day, coffee hot for hours.', 2_900],
  ['ATL-LAMP-05', 'Head lamp', 'A 400 lumen rechargeable head lamp.', 4_500],
  ['ATL-TENT-06', 'Two-person tent', 'Freestanding three-season tent, 1.9 kg.', 34_900],
] as const;

/**
 * Gives embedded mode and demos something to order on first start: a handful of products
 * with plenty of stock. It runs only on an empty catalog, so restarts and real data are safe.
 */
@Injectable()
export class DemoCatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoCatalogSeeder.name);

  constructor(
    @Inject(SEED_DEMO_CATALOG) private readonly enabled: boolean,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const products = this.dataSource.getRepository(Product);
    if ((await products.count()) > 0) return;
    await products
      .createQueryBuilder()
      .insert()
      .values(
        DEMO_PRODUCTS.map(([sku, name, description, priceCents]) => ({
          id: randomUUID(),
          sku,
          name,
          description,
          priceCents,
          currency: 'EUR',
          stock: 1_000,
          imageUrl: null,
        })),
      )
      .orIgnore()
      .execute();
    this.logger.log({ products: DEMO_PRODUCTS.length }, 'seeded the demo catalog');
  }
}
