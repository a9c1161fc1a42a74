/**
 * Plasticity model of PlasticLTM (docs/memory-log.md, "Plasticity"). Pure functions only:
 * strength is never stored as a decayed value, only as (strength, reinforcedAt), and computed
 * on demand, so nothing has to be rewritten as time passes.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface PlasticState {
  /** Strength at `reinforcedAt`, in [0, 1]. */
  strength: number;
  /** Time of the last reinforcement (or creation). */
  reinforcedAt: Date | number;
  /** Pinned memories never decay. */
  pinned: boolean;
}

/** Clamps to [0, 1]; NaN (e.g. a corrupt row) counts as no strength at all. */
export function clampStrength(value: number): number {
  if (Number.isNaN(value)) {
    return 0;
  }
  return Math.min(1, Math.max(0, value));
}

/** A new memory starts with its importance as strength. */
export function initialStrength(importance: number): number {
  return clampStrength(importance);
}

function toMillis(time: Date | number, name: string): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new RangeError(`${name} is not a valid time`);
  }
  return ms;
}

// Parameters come from configuration: a bad one is a bug to surface, not a value to clamp.
function checkHalfLife(halfLifeMs: number): void {
  if (!(halfLifeMs > 0)) {
    throw new RangeError(`halfLifeMs must be > 0 (Infinity disables decay), got ${halfLifeMs}`);
  }
}

function checkThreshold(threshold: number): void {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be within [0, 1], got ${threshold}`);
  }
}

/**
 * s(t) = s0 · 2^(−(t − t0)/H). A `now` before `reinforcedAt` (clock skew between replicas)
 * counts as no time elapsed, so strength never grows by itself.
 */
export function currentStrength(
  state: PlasticState,
  now: Date | number,
  halfLifeMs: number,
): number {
  checkHalfLife(halfLifeMs);
  const s0 = clampStrength(state.strength);
  if (state.pinned || halfLifeMs === Infinity) {
    return s0;
  }
  const elapsed = Math.max(0, toMillis(now, 'now') - toMillis(state.reinforcedAt, 'reinforcedAt'));
  return clampStrength(s0 * Math.pow(2, -elapsed / halfLifeMs));
}

/**
 * s' = s + α(1 − s): a recall closes a fraction α of the gap to full strength. Pass the
 * current (decayed) strength, and store the result with the recall time as the new reinforcedAt.
 */
export function reinforce(strength: number, alpha: number): number {
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new RangeError(`alpha must be within [0, 1], got ${alpha}`);
  }
  const s = clampStrength(strength);
  return clampStrength(s + alpha * (1 - s));
}

/** Strictly below the threshold; pinned memories never fade. */
export function isFaded(
  state: PlasticState,
  now: Date | number,
  halfLifeMs: number,
  threshold: number,
): boolean {
  checkThreshold(threshold);
  if (state.pinned) {
    return false;
  }
  return currentStrength(state, now, halfLifeMs) < threshold;
}

// Date's representable range (ECMAScript §21.4.1.1).
const MAX_DATE_MS = 8.64e15;

/**
 * The moment strength falls to the threshold: t0 + H · log2(s0 / threshold), rounded up to the
 * millisecond; from then on the memory is a forgetting candidate. Store it in an indexed column
 * (recomputed on every reinforcement) so the cleanup job selects `fades_at <= now` instead of
 * scanning every row; re-check candidates with isFaded before forgetting, since this is rounded.
 * Null means never: pinned, no decay, or a threshold of 0 (decay only approaches 0).
 * A memory already below the threshold fades at its reinforcedAt.
 */
export function fadesAt(state: PlasticState, halfLifeMs: number, threshold: number): Date | null {
  checkHalfLife(halfLifeMs);
  checkThreshold(threshold);
  if (state.pinned || halfLifeMs === Infinity || threshold === 0) {
    return null;
  }
  const t0 = toMillis(state.reinforcedAt, 'reinforcedAt');
  const s0 = clampStrength(state.strength);
  if (s0 < threshold) {
    return new Date(t0);
  }
  const at = Math.ceil(t0 + halfLifeMs * Math.log2(s0 / threshold));
  return Number.isFinite(at) && Math.abs(at) <= MAX_DATE_MS ? new Date(at) : null;
}
