/** The six apps of Atlas, in the order they start (the gateway last, once the rest are up). */
export const SERVICE_NAMES = [
  'auth',
  'catalog',
  'orders',
  'payments',
  'notifications',
  'gateway',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A value for every service, typed so that none can be forgotten. */
export function perService<T>(make: (name: ServiceName) => T): Record<ServiceName, T> {
  return {
    auth: make('auth'),
    catalog: make('catalog'),
    orders: make('orders'),
    payments: make('payments'),
    notifications: make('notifications'),
    gateway: make('gateway'),
  };
}
