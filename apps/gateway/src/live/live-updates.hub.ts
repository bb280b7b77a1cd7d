import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LiveOrderStatus, type ChannelMessageOf } from '#atlas/contracts';
import { PubSub, type PubSubSubscription } from '#atlas/cache';

export type LiveStatusMessage = ChannelMessageOf<typeof LiveOrderStatus>;

export interface OrderListener {
  onStatus(message: LiveStatusMessage): void;
  /** The channel broke and came back: changes may have been missed, read the status again. */
  onResync(): void;
}

/**
 * This replica's end of the live fan-out. notifications publishes every order status change
 * on one Redis pub/sub channel; every gateway replica hears all of them and hands each to the
 * streams open here for that order. A client may be connected to any replica: each replica
 * serves its own connections from the same broadcast, with no state shared between them.
 */
@Injectable()
export class LiveUpdatesHub implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<string, Set<OrderListener>>();
  private subscription: PubSubSubscription | undefined;
  private stopResyncing: (() => void) | undefined;

  constructor(private readonly pubSub: PubSub) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.pubSub.subscribe(LiveOrderStatus, (message) => {
      for (const listener of this.listeners.get(message.orderId) ?? []) listener.onStatus(message);
    });
    this.stopResyncing = this.pubSub.onReconnect(() => {
      for (const listeners of this.listeners.values()) {
        for (const listener of listeners) listener.onResync();
      }
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopResyncing?.();
    await this.subscription?.unsubscribe();
  }

  /** Calls `listener` with the order's changes until the returned function is called. */
  listen(orderId: string, listener: OrderListener): () => void {
    let listeners = this.listeners.get(orderId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(orderId, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.listeners.get(orderId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(orderId);
    };
  }
}
