import { describe, expect, it } from '@jest/globals';
import { assignPartitions } from './partition-assignor.js';

const member = (memberId: string, ...topics: string[]) => ({ memberId, topics: new Set(topics) });

describe('assignPartitions', () => {
  it('spreads the partitions of all topics round-robin over the members', () => {
    const assignment = assignPartitions([member('a', 'x', 'y'), member('b', 'x', 'y')], () => 3);
    expect(Object.fromEntries(assignment.get('a') ?? [])).toEqual({ x: [0, 2], y: [1] });
    expect(Object.fromEntries(assignment.get('b') ?? [])).toEqual({ x: [1], y: [0, 2] });
  });

  it('only gives a member partitions of topics it subscribes to', () => {
    const assignment = assignPartitions([member('a', 'x'), member('b', 'y')], () => 2);
    expect(Object.fromEntries(assignment.get('a') ?? [])).toEqual({ x: [0, 1] });
    expect(Object.fromEntries(assignment.get('b') ?? [])).toEqual({ y: [0, 1] });
  });

  it('leaves extra members without partitions when there are more members than partitions', () => {
    const assignment = assignPartitions([member('a', 'x'), member('b', 'x')], () => 1);
    expect(Object.fromEntries(assignment.get('a') ?? [])).toEqual({ x: [0] });
    expect(Object.fromEntries(assignment.get('b') ?? [])).toEqual({});
  });
});
