import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineChannel } from '#atlas/contracts';
import { describePubSubContract } from '../test/pub-sub.contract.js';
import { MemoryPubSub } from './memory-pub-sub.js';

describePubSubContract('memory (one hub per process)', async () => {
  const created: MemoryPubSub[] = [];
  return {
    create: async (namespace) => {
      const pubSub = new MemoryPubSub({ namespace });
      created.push(pubSub);
      return pubSub;
    },
    close: async () => {
      for (const pubSub of created) await pubSub.close();
    },
  };
});

describe('MemoryPubSub', () => {
  it('delivers after the publisher’s turn, as a copy, and drops what breaks the contract', async () => {
    const Note = defineChannel('test.note.v1', z.object({ items: z.array(z.number()) }));
    const pubSub = new MemoryPubSub({ namespace: 'memory-spec' });
    const heard: number[][] = [];
    await pubSub.subscribe(Note, (message) => heard.push(message.items));
    const items = [1, 2];

    await pubSub.publish(Note, { items });
    items.push(3);
    expect(heard).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([[1, 2]]);

    // A foreign publisher on the same channel name, with a message the contract refuses.
    const Loose = defineChannel('test.note.v1', z.object({ items: z.array(z.string()) }));
    await pubSub.publish(Loose, { items: ['not a number'] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([[1, 2]]);
    await pubSub.close();
  });
});
