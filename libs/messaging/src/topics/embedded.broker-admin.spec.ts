import { afterEach, describe, expect, it } from '@jest/globals';
import { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { EmbeddedBrokerAdmin } from './embedded.broker-admin.js';
import { messagesBehind } from './messages-behind.js';

let broker: EmbeddedBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('consumer lag', () => {
  it('counts from the committed offset, or from the start of a partition the group never committed', () => {
    const ends = [
      { partition: 0, low: '0', high: '10' },
      { partition: 1, low: '4', high: '6' },
    ];
    expect(messagesBehind(ends, [{ partition: 0, offset: '7' }])).toBe(3 + 2);
    expect(messagesBehind(ends, [{ partition: 1, offset: '-1' }])).toBe(10 + 2);
    expect(
      messagesBehind(ends, [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '6' },
      ]),
    ).toBe(0);
  });

  it("is what the embedded broker holds beyond the group's commits, per topic", async () => {
    broker = new EmbeddedBroker();
    await broker.createTopics({
      topics: [{ topic: 'lag.a', numPartitions: 2 }, { topic: 'lag.b' }],
    });
    await broker.send({
      topic: 'lag.a',
      messages: [
        { key: 'k1', value: '1' },
        { key: 'k2', value: '2' },
        { key: 'k3', value: '3' },
      ],
    });
    broker.offsets.commit('atlas-lagging', 'lag.a', 0, 0);
    const admin = new EmbeddedBrokerAdmin(broker, 'atlas-lagging');

    const lag = await admin.consumerLag(['lag.a', 'lag.b']);

    expect(lag.get('lag.a')).toBe(3);
    expect(lag.get('lag.b')).toBe(0);
    const ends = await broker.fetchTopicOffsets('lag.a');
    for (const { partition, high } of ends)
      broker.offsets.commit('atlas-lagging', 'lag.a', partition, Number(high));
    expect((await admin.consumerLag(['lag.a'])).get('lag.a')).toBe(0);
  });
});
