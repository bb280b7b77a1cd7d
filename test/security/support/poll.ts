import { setTimeout as sleep } from 'node:timers/promises';

/** Reads until `done` accepts the value or the time is up, returning the last value read. */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; intervalMs: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(options.intervalMs);
    value = await read();
  }
  return value;
}
