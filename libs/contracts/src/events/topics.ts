import { AuthAuditRecorded } from './auth-audit.events.js';
import { UserRegistered } from './auth.events.js';
import { ReleaseStock, StockRejected, StockReserved } from './catalog.events.js';
import type { EventContract } from './event-contract.js';
import { OrderPlaced, OrderStatusChanged } from './orders.events.js';
import { PaymentVoided, VoidPayment } from './payment-compensation.events.js';
import { AuthorizePayment, PaymentAuthorized, PaymentFailed } from './payments.events.js';
import { ProductChanged } from './product.events.js';

/** Every message contract in the system: the source for creating topics up front. */
export const ALL_CONTRACTS: readonly EventContract[] = [
  UserRegistered,
  AuthAuditRecorded,
  OrderPlaced,
  OrderStatusChanged,
  StockReserved,
  StockRejected,
  ReleaseStock,
  AuthorizePayment,
  PaymentAuthorized,
  PaymentFailed,
  VoidPayment,
  PaymentVoided,
  ProductChanged,
];

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

/** Partitions per topic: several, so keyed ordering is exercised even on one broker. */
export const DEFAULT_PARTITIONS = 3;

/** A consumer that cannot process a message parks it here, with the error in its headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export const ALL_TOPICS: readonly TopicSpec[] = ALL_CONTRACTS.flatMap((contract) => [
  { topic: contract.topic, partitions: DEFAULT_PARTITIONS },
  { topic: deadLetterTopic(contract.topic), partitions: 1 },
]);
