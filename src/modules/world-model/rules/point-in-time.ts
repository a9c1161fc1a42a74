import { holds, type FactStatus } from './timeline';

/** What a point-in-time question needs of a fact. */
export interface Interval {
  status: FactStatus;
  validFrom: number;
  /** Null while open. */
  validTo: number | null;
}

/**
 * Whether a fact held at world time `at`: it must have held at all (current or closed), have
 * started at or before `at`, and end after it. Intervals are half-open, [validFrom, validTo):
 * at the instant one fact supersedes another, only the new one holds.
 */
export function holdsAt(fact: Interval, at: number): boolean {
  return holds(fact.status) && fact.validFrom <= at && (fact.validTo === null || at < fact.validTo);
}

/** The facts that held at `at`, in their original order. */
export function factsAt<T extends Interval>(facts: readonly T[], at: number): T[] {
  return facts.filter((fact) => holdsAt(fact, at));
}
