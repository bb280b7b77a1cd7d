import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineChannel } from '#atlas/contracts';
import { uniqueName } from '#atlas/testing';
import type { PubSub } from '../src/pub-sub.js';

/** A pub/sub backend under test: the process hub, or a real Redis. */
export interface PubSubHarness {
  /** A replica's pub/sub: each one its own connection to the shared backend. */
  create(namespace: string): Promise<PubSub>;
  close(): Promise<void>;
}

const Greeting = defineChannel('test.greeting.v1', z.object({ text: z.string().min(1) }));

/** What every PubSub must do; applied to the memory hub (unit) and to Redis (integration). */
export function describePubSubContract(
  backend: string,
  openHarness: () => Promise<PubSubHarness>,
): void {
  describe(`PubSub contract: ${backend}`, () => {
    let harness: PubSubHarness;
    beforeAll(async () => {
      harness = await openHarness();
    });
    afterAll(async () => {
      await harness.close();
    });

    it('delivers every message to every subscriber, on every replica', async () => {
      const namespace = uniqueName('pubsub');
      const publisher = await harness.create(namespace);
      const first = await harness.create(namespace);
      const second = await harness.create(namespace);
      const heard: string[] = [];
      await first.subscribe(Greeting, (message) => heard.push(`first:${message.text}`));
      await second.subscribe(Greeting, (message) => heard.push(`second:${message.text}`));

      await publisher.publish(Greeting, { text: 'hello' });

      await eventually(() => heard.length === 2);
      expect(heard.sort()).toEqual(['first:hello', 'second:hello']);
    });

    it('keeps namespaces apart, and stops delivering after unsubscribe', async () => {
      const namespace = uniqueName('pubsub');
      const publisher = await harness.create(namespace);
      const listener = await harness.create(namespace);
      const stranger = await harness.create(uniqueName('pubsub'));
      const heard: string[] = [];
      const subscription = await listener.subscribe(Greeting, (m) => heard.push(m.text));
      await stranger.subscribe(Greeting, (m) => heard.push(`stranger:${m.text}`));

      await publisher.publish(Greeting, { text: 'one' });
      await eventually(() => heard.length >= 1);
      await subscription.unsubscribe();
      await publisher.publish(Greeting, { text: 'two' });
      await listener.subscribe(Greeting, (m) => heard.push(`again:${m.text}`));
      await publisher.publish(Greeting, { text: 'three' });

      await eventually(() => heard.includes('again:three'));
      expect(heard).toEqual(['one', 'again:three']);
    });

    it('refuses to publish a message that breaks the contract', async () => {
      const publisher = await harness.create(uniqueName('pubsub'));
      await expect(publisher.publish(Greeting, { text: '' })).rejects.toThrow(
        /test.greeting.v1 message does not match its contract/,
      );
    });
  });
}

async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
