import { describe, expect, it } from '@jest/globals';
import { assertJsonDepth } from './json-depth.js';

const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

describe('assertJsonDepth', () => {
  it('accepts JSON up to the limit and refuses one level more with a 400', () => {
    expect(() => assertJsonDepth(nested(4), 4)).not.toThrow();
    expect(() => assertJsonDepth(nested(5), 4)).toThrow(/more than 4 levels/);
    expect(() => assertJsonDepth(Buffer.from('{"a":{"b":{"c":[1]}}}'), 3)).toThrow(
      expect.objectContaining({ status: 400, code: 'REQUEST.TOO_DEEP' }),
    );
  });

  it('counts levels, not brackets: siblings do not add up', () => {
    expect(() => assertJsonDepth(Buffer.from('[[1],[2],[3],{"a":[4]}]'), 3)).not.toThrow();
    expect(() => assertJsonDepth(Buffer.from('[[1],[2],[3],{"a":[4]}]'), 2)).toThrow(
      /more than 2 levels/,
    );
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: '[[[[{{{{ "quoted \\" [[[[' });
    expect(() => assertJsonDepth(Buffer.from(text), 1)).not.toThrow();
  });
});
