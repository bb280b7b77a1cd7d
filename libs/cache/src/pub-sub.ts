import { Logger } from '@nestjs/common';
import { z } from 'zod';
import type { ChannelContract, ChannelMessageOf } from '#atlas/contracts';

export interface PubSubSubscription {
  /** Stops this listener; the last one on a channel unsubscribes from it. */
  unsubscribe(): Promise<void>;
}

/**
 * Broadcast to every subscriber of a channel, on every replica: Redis pub/sub in distributed
 * mode, a hub shared by everything in the process in embedded mode. At most once: a message
 * published while a subscriber is disconnected is gone, so subscribers that keep state from it
 * listen to `onReconnect` and start over. Messages are JSON, validated against the channel's
 * contract when published and again when received.
 */
export abstract class PubSub {
  protected readonly logger = new Logger('PubSub');

  async publish<C extends ChannelContract>(
    channel: C,
    message: ChannelMessageOf<C>,
  ): Promise<void> {
    const parsed = channel.schema.safeParse(message);
    if (!parsed.success) {
      throw new TypeError(
        `A ${channel.name} message does not match its contract: ${z.prettifyError(parsed.error)}`,
      );
    }
    await this.publishJson(channel.name, JSON.stringify(parsed.data));
  }

  /** Calls `listener` with every valid message on the channel; invalid ones are logged, dropped. */
  subscribe<C extends ChannelContract>(
    channel: C,
    listener: (message: ChannelMessageOf<C>) => void,
  ): Promise<PubSubSubscription> {
    return this.subscribeJson(channel.name, (json) => {
      let parsed;
      try {
        parsed = channel.schema.safeParse(JSON.parse(json));
      } catch {
        this.logger.warn({ channel: channel.name }, 'dropped a message that is not JSON');
        return;
      }
      if (!parsed.success) {
        this.logger.warn(
          { channel: channel.name, problems: z.prettifyError(parsed.error) },
          'dropped a message that does not match the channel contract',
        );
        return;
      }
      try {
        // The channel's own schema has just accepted it; only the generic type is lost.
        // oxlint-disable-next-line typescript/no-unsafe-type-assertion
        listener(parsed.data as ChannelMessageOf<C>);
      } catch (error) {
        this.logger.error({ channel: channel.name, err: error }, 'a channel listener failed');
      }
    });
  }

  /**
   * `listener` runs each time the subscription came back after a break, when messages may
   * have been missed. Returns a function that removes it.
   */
  abstract onReconnect(listener: () => void): () => void;

  /** Releases the subscriber connection; the module does this at shutdown. */
  abstract close(): Promise<void>;

  protected abstract publishJson(channel: string, json: string): Promise<void>;

  protected abstract subscribeJson(
    channel: string,
    listener: (json: string) => void,
  ): Promise<PubSubSubscription>;
}

/** `<namespace>.<channel>`: environments sharing one Redis never hear each other. */
export function namespacedChannel(namespace: string | undefined, channel: string): string {
  return namespace ? `${namespace}.${channel}` : channel;
}
