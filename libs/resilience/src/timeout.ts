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
      controller.abort();
      reject(timedOut(name, timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
