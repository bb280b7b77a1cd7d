import type { OrderStatus } from '#atlas/contracts';

/** What must be undone when an order is cancelled, from the status it had until then. */
export interface Compensation {
  /** Catalog may hold (or be about to hold) stock for it. */
  readonly releaseStock: boolean;
  /** Payments may hold (or be about to hold) an authorization for it. */
  readonly voidPayment: boolean;
}

export function compensationFor(statusBefore: OrderStatus): Compensation {
  switch (statusBefore) {
    case 'PENDING':
      // Catalog may have reserved already, its reply still on the way: release anyway (a
      // release without a reservation is a no-op, and a reservation that arrives later is
      // released when it does).
      return { releaseStock: true, voidPayment: false };
    case 'STOCK_RESERVED':
      return { releaseStock: true, voidPayment: true };
    case 'CONFIRMED':
    case 'CANCELLED':
      throw new Error(`a ${statusBefore} order cannot be cancelled`);
    default: {
      const unknown: never = statusBefore;
      throw new Error(`unknown order status ${String(unknown)}`);
    }
  }
}
