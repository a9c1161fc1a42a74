import { createHash } from 'node:crypto';
import type { Cardinality } from './observation';

/**
 * The world model's rules of supersession and contradiction, for the facts of one subject and
 * predicate (a "group"). They follow the Graphiti model: nothing is deleted, a contradicted fact
 * is closed (its validTo set) and says what superseded it. docs/world-model.md explains them.
 *
 * Claims are ordered by world time (validFrom); claims at the same validFrom form a "slot", in
 * log order (leaf index, then position in the observation). A slot is exclusive when any of its
 * claims has cardinality `one` or is a retraction: the slot then says what the single value is
 * from its validFrom on, and closes every fact open before it. A slot of `many` claims only adds
 * values (and restates, closing the same value's older fact).
 */

/**
 * - current: holds from validFrom on, open-ended.
 * - closed: held from validFrom until validTo, when a later claim superseded it.
 * - retraction: a claim that the predicate no longer holds (object null); never holds itself.
 * - duplicate: the same value claimed again in the same slot; the first claim stands for it.
 * - outweighed: a lower-confidence claim of another value at the same time; kept, in conflict.
 */
export const FACT_STATUSES = [
  'current',
  'closed',
  'retraction',
  'duplicate',
  'outweighed',
] as const;
export type FactStatus = (typeof FACT_STATUSES)[number];

/** What an observation claimed, with its place in the log. */
export interface Claim {
  /** `<memory id>:<position in the observation>`. */
  id: string;
  subject: string;
  predicate: string;
  /** JSON text of the scalar object; null for a retraction. */
  object: string | null;
  confidence: number;
  cardinality: Cardinality;
  validFrom: number;
  sourceLeaf: number;
  factIndex: number;
}

/** What the rules derive for a claim, given the other claims of its group. */
export interface Derived {
  status: FactStatus;
  /** Set only for closed facts. */
  validTo: number | null;
  supersededBy: string | null;
  /** The open or past contradiction this claim takes part in. */
  conflictId: string | null;
}

export type ResolvedClaim = Claim & Derived;

/** A fact that held before the window and may still be open when it starts. */
export interface PriorFact {
  id: string;
  object: string | null;
  conflictId: string | null;
}

/** Claims that are held at some time (the others only inform). */
export function holds(status: FactStatus): boolean {
  return status === 'current' || status === 'closed';
}

/** The id of the contradiction at one slot: stable, so a replay gives the same id. */
export function conflictIdOf(subject: string, predicate: string, validFrom: number): string {
  return createHash('sha256')
    .update(JSON.stringify([subject, predicate, validFrom]))
    .digest('hex')
    .slice(0, 32);
}

/** Log order within a slot. */
export function compareClaims(a: Claim, b: Claim): number {
  return a.validFrom - b.validFrom || a.sourceLeaf - b.sourceLeaf || a.factIndex - b.factIndex;
}

/**
 * Derives the state of every claim of one group from `from` on. `prior` are the facts that were
 * open just before the window (they keep their own conflict and are re-closed by the window);
 * `claims` are all claims with validFrom at or after the window's start. With no prior facts and
 * every claim of the group, this is the group's whole timeline; a window gives the same answer
 * for its claims because nothing before it depends on what comes after.
 */
export function resolveTimeline(
  prior: readonly PriorFact[],
  claims: readonly Claim[],
): Map<string, Derived> {
  const out = new Map<string, Derived>();
  let open: PriorFact[] = [];
  for (const fact of prior) {
    out.set(fact.id, open1(fact.conflictId));
    open.push(fact);
  }
  const sorted = [...claims].sort(compareClaims);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].validFrom === sorted[i].validFrom) {
      j += 1;
    }
    const slot = sorted.slice(i, j);
    open = slot.some((c) => c.cardinality === 'one' || c.object === null)
      ? exclusiveSlot(slot, open, out)
      : additiveSlot(slot, open, out);
    i = j;
  }
  return out;
}

/** A slot that says what the single value is: the highest confidence wins; ties conflict. */
function exclusiveSlot(slot: Claim[], open: PriorFact[], out: Map<string, Derived>): PriorFact[] {
  const { validFrom, subject, predicate } = slot[0];
  const top = slot.reduce((max, c) => Math.max(max, c.confidence), 0);
  const winners = slot.filter((c) => c.confidence === top);
  const reps = new Map<string | null, Claim>();
  for (const w of winners) {
    if (!reps.has(w.object)) {
      reps.set(w.object, w);
    }
  }
  const contradicted = new Set(slot.map((c) => c.object)).size > 1;
  const conflictId = contradicted ? conflictIdOf(subject, predicate, validFrom) : null;
  const closer = winners[0];
  for (const fact of open) {
    close(out, fact.id, validFrom, closer.id);
  }
  const next: PriorFact[] = [];
  for (const claim of slot) {
    const rep = reps.get(claim.object);
    if (rep === claim && claim.object === null) {
      out.set(claim.id, { status: 'retraction', validTo: null, supersededBy: null, conflictId });
    } else if (rep === claim) {
      out.set(claim.id, open1(conflictId));
      next.push({ id: claim.id, object: claim.object, conflictId });
    } else if (rep) {
      out.set(claim.id, { status: 'duplicate', validTo: null, supersededBy: rep.id, conflictId });
    } else {
      out.set(claim.id, {
        status: 'outweighed',
        validTo: null,
        supersededBy: closer.id,
        conflictId,
      });
    }
  }
  return next;
}

/** A slot of `many` claims: each value is added; restating a value closes its older fact. */
function additiveSlot(slot: Claim[], open: PriorFact[], out: Map<string, Derived>): PriorFact[] {
  const validFrom = slot[0].validFrom;
  const reps = new Map<string | null, Claim>();
  for (const claim of slot) {
    const rep = reps.get(claim.object);
    if (!rep || claim.confidence > rep.confidence) {
      reps.set(claim.object, claim);
    }
  }
  const next: PriorFact[] = [];
  for (const fact of open) {
    const rep = reps.get(fact.object);
    if (rep) {
      close(out, fact.id, validFrom, rep.id);
    } else {
      next.push(fact);
    }
  }
  for (const claim of slot) {
    const rep = reps.get(claim.object) as Claim;
    if (rep === claim) {
      out.set(claim.id, open1(null));
      next.push({ id: claim.id, object: claim.object, conflictId: null });
    } else {
      out.set(claim.id, {
        status: 'duplicate',
        validTo: null,
        supersededBy: rep.id,
        conflictId: null,
      });
    }
  }
  return next;
}

function open1(conflictId: string | null): Derived {
  return { status: 'current', validTo: null, supersededBy: null, conflictId };
}

function close(out: Map<string, Derived>, id: string, at: number, by: string): void {
  const was = out.get(id) as Derived;
  out.set(id, { ...was, status: 'closed', validTo: at, supersededBy: by });
}
