/** Exponential backoff between automatic restarts of a failed component. */
export interface BackoffPolicy {
  /** Delay before the first restart. */
  initialMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 5_000 };

/**
 * The delay before restart number `attempt` (0 for the first restart in the current window):
 * initialMs · 2^attempt, capped at maxMs.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  }
  // 2^attempt overflows to Infinity for large attempts; the cap handles that.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
}
