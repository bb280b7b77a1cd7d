import { EventEmitter } from 'node:events';
import { namespacedChannel, PubSub, type PubSubSubscription } from './pub-sub.js';

/**
 * One hub per process, as one Redis is shared by every replica: in embedded mode the
 * notifications app publishes and the gateway app, in the same process, receives.
 */
const hub = new EventEmitter();
hub.setMaxListeners(0);

export interface MemoryPubSubOptions {
  /** Keeps platforms that share a process (tests) apart, as REDIS_NAMESPACE does on Redis. */
  readonly namespace?: string;
}

/** Embedded mode's broadcast: in-process, asynchronous like Redis, JSON copies like Redis. */
export class MemoryPubSub extends PubSub {
  private readonly own = new Set<{ channel: string; listener: (json: string) => void }>();

  constructor(private readonly options: MemoryPubSubOptions = {}) {
    super();
  }

  onReconnect(): () => void {
    // Nothing in between to break: there is no reconnect to announce.
    return () => undefined;
  }

  async close(): Promise<void> {
    for (const entry of this.own) hub.off(entry.channel, entry.listener);
    this.own.clear();
  }

  protected async publishJson(channel: string, json: string): Promise<void> {
    const name = namespacedChannel(this.options.namespace, channel);
    // To whoever listens now, as Redis does, but after the publisher's turn, never inside
    // it, as a network hop would be.
    const listeners = hub.listeners(name);
    setImmediate(() => {
      for (const listener of listeners) listener(json);
    });
  }

  protected async subscribeJson(
    channel: string,
    listener: (json: string) => void,
  ): Promise<PubSubSubscription> {
    const entry = { channel: namespacedChannel(this.options.namespace, channel), listener };
    hub.on(entry.channel, listener);
    this.own.add(entry);
    return {
      unsubscribe: async () => {
        hub.off(entry.channel, listener);
        this.own.delete(entry);
      },
    };
  }
}
