import { AppError } from './app-error.js';

/** Deeper JSON than any Atlas API takes; deeper bodies only cost the parser and the validators. */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses a JSON text nested deeper than `maxDepth` before it is parsed: one pass over the
 * bytes, counting brackets outside strings. A body of a million `[` is a 400, not a stack
 * overflow in the parser or a recursion in a validator.
 */
export function assertJsonDepth(body: Buffer, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) {
        throw new AppError(
          'REQUEST.TOO_DEEP',
          400,
          `The JSON body is nested more than ${maxDepth} levels deep.`,
        );
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
}
