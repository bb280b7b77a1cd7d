import type { LoggerService } from '@nestjs/common';

/** Keeps expected warnings (a handler failing on purpose) out of the test output. */
export const silentLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
