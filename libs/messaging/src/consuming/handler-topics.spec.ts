import { describe, expect, it } from '@jest/globals';
import { topicsForHandlers } from './handler-topics.js';

const specs = [
  { topic: 'a.v1', partitions: 3 },
  { topic: 'a.v1.dlq', partitions: 1 },
  { topic: 'b.v1', partitions: 3 },
  { topic: 'b.v1.dlq', partitions: 1 },
];

describe('topicsForHandlers', () => {
  it('picks the handlers’ topics and their dead-letter topics', () => {
    expect(topicsForHandlers(['a.v1'], specs)).toEqual([
      { topic: 'a.v1', partitions: 3 },
      { topic: 'a.v1.dlq', partitions: 1 },
    ]);
  });

  it('fails, saying where to add it, when a handler’s topic has no definition', () => {
    expect(() => topicsForHandlers(['c.v1'], specs)).toThrow(
      'No topic definition for c.v1, which @OnEvent handlers listen to: add the contract to ALL_CONTRACTS',
    );
  });
});
