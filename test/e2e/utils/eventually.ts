import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it stops throwing, for at most `timeoutMs`; then rethrows its last error. */
export async function eventually<T>(
  probe: () => Promise<T>,
  timeoutMs = 5000,
  pauseMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await sleep(pauseMs);
    }
  }
}
