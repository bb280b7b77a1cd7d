import { timedOut } from './resilience.errors.js';

/**
 * Gives `call` an AbortSignal that fires after `timeoutMs`, and fails with RESILIENCE.TIMEOUT
 * then, even if the call ignores the signal.
 */
export async function withTimeout<T>(
  name: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Rejected before aborting: a call that fails at once when aborted (synchronously, from
      // its abort listener) must still lose the race to the timeout, whose error it is.
      reject(timedOut(name, timeoutMs));
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
