import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import {
  newEvent,
  ProductChanged,
  ReleaseStock,
  StockRejected,
  StockReserved,
  type MessageOf,
  type OrderPlaced,
  type StockRejectionReason,
} from '#atlas/contracts';
import { InboxService, OutboxService } from '#atlas/messaging';
import { Product } from '../products/product.entity.js';
import { ProductsService } from '../products/products.service.js';
import { StockReservation } from './stock-reservation.entity.js';

type Line = { productId: string; quantity: number };

/**
 * Reserves stock for an order all or nothing, and gives it back on compensation. The product
 * rows are locked in id order (so two orders for the same products cannot deadlock) and
 * checked before anything changes, so stock never goes negative however many orders race.
 */
@Injectable()
export class StockService {
  private readonly logger = new Logger(StockService.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly products: ProductsService,
  ) {}

  async reserveFor(event: MessageOf<typeof OrderPlaced>): Promise<void> {
    let changed: string[] = [];
    await this.inbox.processOnce('catalog.reserve-stock', event.eventId, async (manager) => {
      const lines = mergeLines(event.items);
      const locked = await manager.find(Product, {
        where: { id: In(lines.map((line) => line.productId)) },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const check = checkAvailability(lines, locked);
      if (!check.available) {
        const { reason, productIds } = check;
        await this.outbox.enqueue(
          manager,
          StockRejected,
          newEvent(StockRejected, { orderId: event.orderId, reason, productIds }),
        );
        this.logger.log({ orderId: event.orderId, reason }, 'stock rejected');
        return;
      }
      for (const line of lines) {
        await manager.decrement(Product, { id: line.productId }, 'stock', line.quantity);
      }
      await this.announceStockChanges(manager, lines);
      await manager.insert(StockReservation, {
        orderId: event.orderId,
        items: lines,
        status: 'RESERVED',
      });
      await this.outbox.enqueue(
        manager,
        StockReserved,
        newEvent(StockReserved, {
          orderId: event.orderId,
          items: check.priced,
          currency: check.currency,
          totalCents: check.priced.reduce((sum, line) => sum + line.priceCents * line.quantity, 0),
        }),
      );
      changed = lines.map((line) => line.productId);
    });
    if (changed.length > 0) await this.products.forget(changed);
  }

  async release(command: MessageOf<typeof ReleaseStock>): Promise<void> {
    let changed: string[] = [];
    await this.inbox.processOnce('catalog.release-stock', command.eventId, async (manager) => {
      changed = await this.releaseReservation(manager, command.orderId);
    });
    if (changed.length > 0) await this.products.forget(changed);
  }

  /** Stock is part of a product: its change is a ProductChanged like any other (caches drop it). */
  private async announceStockChanges(
    manager: EntityManager,
    lines: readonly Line[],
  ): Promise<void> {
    for (const line of lines) {
      await this.outbox.enqueue(
        manager,
        ProductChanged,
        newEvent(ProductChanged, { productId: line.productId, change: 'STOCK_CHANGED' }),
      );
    }
  }

  /** The products whose stock came back; none if there was nothing to give back. */
  private async releaseReservation(manager: EntityManager, orderId: string): Promise<string[]> {
    const reservation = await manager.findOne(StockReservation, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
    // Nothing reserved (the reservation was rejected) or already given back: nothing to undo.
    if (!reservation || reservation.status === 'RELEASED') return [];
    const lines = [...reservation.items].sort(byProductId);
    for (const line of lines) {
      await manager.increment(Product, { id: line.productId }, 'stock', line.quantity);
    }
    await this.announceStockChanges(manager, lines);
    await manager.update(StockReservation, { orderId }, { status: 'RELEASED' });
    this.logger.log({ orderId }, 'stock released');
    return lines.map((line) => line.productId);
  }
}

/** One line per product, in id order: the order rows are locked and updated in. */
function mergeLines(items: readonly Line[]): Line[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    totals.set(item.productId, (totals.get(item.productId) ?? 0) + item.quantity);
  }
  return [...totals].map(([productId, quantity]) => ({ productId, quantity })).sort(byProductId);
}

function byProductId(a: Line, b: Line): number {
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}

type Availability =
  | { available: true; priced: (Line & { priceCents: number })[]; currency: string }
  | { available: false; reason: StockRejectionReason; productIds: string[] };

export function checkAvailability(
  lines: readonly Line[],
  products: readonly Product[],
): Availability {
  const byId = new Map(products.map((product) => [product.id, product]));
  const priced: (Line & { priceCents: number })[] = [];
  const unknown: string[] = [];
  const short: string[] = [];
  for (const line of lines) {
    const product = byId.get(line.productId);
    if (!product) unknown.push(line.productId);
    else if (product.stock < line.quantity) short.push(line.productId);
    else priced.push({ ...line, priceCents: product.priceCents });
  }
  if (unknown.length > 0)
    return { available: false, reason: 'UNKNOWN_PRODUCT', productIds: unknown };
  const [currency, ...otherCurrencies] = new Set(products.map((product) => product.currency));
  if (!currency || otherCurrencies.length > 0) {
    return { available: false, reason: 'MIXED_CURRENCY', productIds: [...byId.keys()] };
  }
  if (short.length > 0) return { available: false, reason: 'OUT_OF_STOCK', productIds: short };
  return { available: true, priced, currency };
}
