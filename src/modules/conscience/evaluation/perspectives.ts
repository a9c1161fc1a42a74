import type { AxiomOutcome, ActionInput, ConsequentialResult, Verdict } from './types';
import { SCOPES } from './types';

/** Scope assumed when an impact names none. */
const DEFAULT_SCOPE = SCOPES.individual;
/** How much of the harm counts, by reversibility: undone easily, unknown, permanent. */
const REVERSIBILITY_FACTOR = { reversible: 0.6, unknown: 0.8, irreversible: 1 } as const;

export const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
/** Scores are reported to 4 decimals, so that logged results and tags are stable. */
export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Consequential base, from the action's declared impact:
 *   severity = harm × (0.5 + 0.5 × scope) × reversibility   (0.6 reversible, 0.8 unknown, 1 not)
 *   base     = clamp(0.5 + 0.5 × benefit − severity)
 * An action that declares nothing starts at 0.5.
 */
export function consequentialBase(action: ActionInput): {
  base: number;
  factors: ConsequentialResult['factors'];
} {
  const harm = action.impact?.harm ?? 0;
  const benefit = action.impact?.benefit ?? 0;
  const declared = action.impact?.scope;
  const scope =
    typeof declared === 'number' ? declared : declared ? SCOPES[declared] : DEFAULT_SCOPE;
  const reversible = typeof action.reversible === 'boolean' ? action.reversible : null;
  const factor =
    reversible === null
      ? REVERSIBILITY_FACTOR.unknown
      : reversible
        ? REVERSIBILITY_FACTOR.reversible
        : REVERSIBILITY_FACTOR.irreversible;
  const severity = harm * (0.5 + 0.5 * scope) * factor;
  return {
    base: round4(clamp01(0.5 + 0.5 * benefit - severity)),
    factors: { harm, benefit, scope, reversible, severity: round4(severity) },
  };
}

export interface VerdictCounts {
  considered: number;
  allow: number;
  deny: number;
  escalate: number;
}

export function countVerdicts(verdicts: readonly Verdict[]): VerdictCounts {
  const counts = { considered: verdicts.length, allow: 0, deny: 0, escalate: 0 };
  verdicts.forEach((v) => (counts[v] += 1));
  return counts;
}

/**
 * Precedent base, from earlier decisions on the same subject: an allow counts 1, an escalate
 * 0.5, a deny 0, and `priorWeight` pseudo-decisions at 0.5 temper a short history:
 *   base = (allow + 0.5 × escalate + 0.5 × k) / (n + k)
 * No history (and k = 0) gives 0.5.
 */
export function precedentBase(counts: VerdictCounts, priorWeight: number): number {
  const n = counts.considered + priorWeight;
  if (n === 0) {
    return 0.5;
  }
  return round4((counts.allow + 0.5 * counts.escalate + 0.5 * priorWeight) / n);
}

/**
 * A perspective's score: its base plus the contributions of the axioms that fired, clamped to
 * [0, 1]; a fired forbid vetoes it to 0.
 */
export function perspectiveScore(base: number, outcomes: readonly AxiomOutcome[]): number {
  if (outcomes.some((o) => o.effect === 'forbid' && o.outcome === 'fired')) {
    return 0;
  }
  return round4(clamp01(base + outcomes.reduce((sum, o) => sum + o.contribution, 0)));
}
