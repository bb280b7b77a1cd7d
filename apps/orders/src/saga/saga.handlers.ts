import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  PaymentAuthorized,
  PaymentFailed,
  PaymentVoided,
  StockRejected,
  StockReserved,
  type MessageOf,
} from '#atlas/contracts';
import { OnEvent } from '#atlas/messaging';
import { OrderSagaService } from './order-saga.service.js';

/** Translates the participants' replies into saga steps. */
@Controller()
export class SagaHandlers {
  constructor(private readonly saga: OrderSagaService) {}

  @OnEvent(StockReserved)
  onStockReserved(@Payload() event: MessageOf<typeof StockReserved>): Promise<void> {
    return this.saga.onStockReserved(event);
  }

  @OnEvent(StockRejected)
  onStockRejected(@Payload() event: MessageOf<typeof StockRejected>): Promise<void> {
    return this.saga.onStockRejected(event);
  }

  @OnEvent(PaymentAuthorized)
  onPaymentAuthorized(@Payload() event: MessageOf<typeof PaymentAuthorized>): Promise<void> {
    return this.saga.onPaymentAuthorized(event);
  }

  @OnEvent(PaymentFailed)
  onPaymentFailed(@Payload() event: MessageOf<typeof PaymentFailed>): Promise<void> {
    return this.saga.onPaymentFailed(event);
  }

  @OnEvent(PaymentVoided)
  onPaymentVoided(@Payload() event: MessageOf<typeof PaymentVoided>): Promise<void> {
    return this.saga.onPaymentVoided(event);
  }
}
