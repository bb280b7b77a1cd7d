import type { Redis } from 'ioredis';
import {
  closeRedisConnection,
  describeRedis,
  onRedis,
  waitUntilReady,
} from './redis-connection.js';
import { namespacedChannel, PubSub, type PubSubSubscription } from './pub-sub.js';

export interface RedisPubSubOptions {
  readonly namespace?: string;
  /** How long opening the subscriber connection may take. Default 5 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * Redis pub/sub. Publishing goes over the service's usual connection; listening needs a
 * connection of its own (one in subscribe mode can do nothing else), opened at the first
 * subscribe. ioredis subscribes again by itself after a reconnect; what was published in
 * between is lost, which `onReconnect` listeners hear about.
 */
export class RedisPubSub extends PubSub {
  private subscriber: Promise<Redis> | undefined;
  private readonly listeners = new Map<string, Set<(json: string) => void>>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(
    private readonly publisher: Redis,
    private readonly options: RedisPubSubOptions = {},
  ) {
    super();
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    const pending = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    // A subscriber that never connected was already closed by waitUntilReady.
    const subscriber = await pending?.catch(() => undefined);
    if (subscriber) await closeRedisConnection(subscriber);
  }

  protected async publishJson(channel: string, json: string): Promise<void> {
    const name = namespacedChannel(this.options.namespace, channel);
    await onRedis(this.publisher, () => this.publisher.publish(name, json));
  }

  protected async subscribeJson(
    channel: string,
    listener: (json: string) => void,
  ): Promise<PubSubSubscription> {
    const name = namespacedChannel(this.options.namespace, channel);
    const subscriber = await this.connectSubscriber();
    let listeners = this.listeners.get(name);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(name, listeners);
      await subscriber.subscribe(name);
    }
    listeners.add(listener);
    return {
      unsubscribe: async () => {
        const current = this.listeners.get(name);
        if (!current?.delete(listener) || current.size > 0) return;
        this.listeners.delete(name);
        if (subscriber.status === 'ready') await subscriber.unsubscribe(name);
      },
    };
  }

  private connectSubscriber(): Promise<Redis> {
    this.subscriber ??= this.openSubscriber();
    return this.subscriber;
  }

  private async openSubscriber(): Promise<Redis> {
    // Same address and fail-fast settings as the publisher; only this one may queue its
    // SUBSCRIBE commands while (re)connecting, since they are replayed on reconnect anyway.
    // A subscriber only sends (UN)SUBSCRIBE, which must not wait for a pipeline to fill.
    const subscriber = this.publisher.duplicate({
      enableOfflineQueue: true,
      enableAutoPipelining: false,
    });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, json: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(json);
    });
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) {
        this.logger.warn(
          `subscription to Redis at ${describeRedis(subscriber)} is back; messages published meanwhile were missed`,
        );
        for (const listener of this.reconnectListeners) listener();
      }
      connectedBefore = true;
    });
    await waitUntilReady(subscriber, this.options.connectTimeoutMs ?? 5_000);
    connectedBefore = true;
    return subscriber;
  }
}
