import { parseObservation } from '../rules/observation';
import { Claim, Derived, PriorFact, resolveTimeline, ResolvedClaim } from '../rules/timeline';

/** The kind of memory the world model projects. */
export const OBSERVATION_KIND = 'observation';

/** A fact row: the claim, what the rules derived for it, and where it came from. */
export interface StoredFact extends ResolvedClaim {
  /** System time: when the observation memory was stored (epoch ms). */
  recordedAt: number;
  sourceMemoryId: string;
}

/** A leaf as the projection reads it (MemoryService.readLeaves). */
export interface LeafInput {
  leafIndex: number;
  id: string;
  kind: string;
  createdAt: string;
  /** Null once forgotten. */
  content: unknown;
  forgottenAt: string | null;
}

export type LeafClaims =
  { kind: 'facts'; facts: StoredFact[] } | { kind: 'skip'; reason: string } | { kind: 'none' };

/** One group's window: its claims from `from` on are derived again. */
export interface GroupWindow {
  subject: string;
  predicate: string;
  from: number;
}

export interface FactChanges {
  inserts: StoredFact[];
  updates: StoredFact[];
  deletes: StoredFact[];
  /** How the generation's counts change. */
  delta: FactCounts;
}

/** What coherence is computed from, kept per generation so that it is never a scan. */
export interface FactCounts {
  /** Current facts. */
  facts: number;
  /** Current facts that are part of a contradiction. */
  conflictingFacts: number;
  /** Contradictions with at least one current fact. */
  conflicts: number;
}

export const NO_COUNTS: FactCounts = { facts: 0, conflictingFacts: 0, conflicts: 0 };

export function addCounts(a: FactCounts, b: FactCounts): FactCounts {
  return {
    facts: a.facts + b.facts,
    conflictingFacts: a.conflictingFacts + b.conflictingFacts,
    conflicts: a.conflicts + b.conflicts,
  };
}

/**
 * The claims a leaf contributes: none for other kinds and for forgotten observations, a skip
 * (with the validation messages as reason) for malformed ones. Derived fields are placeholders
 * until `planChanges` resolves them.
 */
export function claimsOfLeaf(leaf: LeafInput): LeafClaims {
  if (leaf.kind !== OBSERVATION_KIND || leaf.forgottenAt !== null) {
    return { kind: 'none' };
  }
  const parsed = parseObservation(leaf.content);
  if (!parsed.ok) {
    const reason = Object.entries(parsed.errors)
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
      .join('; ');
    return { kind: 'skip', reason: reason.slice(0, 1000) };
  }
  const recordedAt = Date.parse(leaf.createdAt);
  return {
    kind: 'facts',
    facts: parsed.facts.map((fact, factIndex) => ({
      id: `${leaf.id}:${factIndex}`,
      subject: fact.subject,
      predicate: fact.predicate,
      object: fact.object === null ? null : JSON.stringify(fact.object),
      confidence: fact.confidence,
      cardinality: fact.cardinality,
      validFrom: fact.validFrom ?? recordedAt,
      sourceLeaf: leaf.leafIndex,
      factIndex,
      recordedAt,
      sourceMemoryId: leaf.id,
      status: 'current',
      validTo: null,
      supersededBy: null,
      conflictId: null,
    })),
  };
}

/** The groups touched by added or removed facts, each from its earliest touched validFrom. */
export function windowsOf(
  facts: ReadonlyArray<Pick<Claim, 'subject' | 'predicate' | 'validFrom'>>,
): GroupWindow[] {
  const windows = new Map<string, GroupWindow>();
  for (const fact of facts) {
    const key = groupKey(fact);
    const known = windows.get(key);
    if (!known) {
      windows.set(key, { subject: fact.subject, predicate: fact.predicate, from: fact.validFrom });
    } else if (fact.validFrom < known.from) {
      known.from = fact.validFrom;
    }
  }
  return [...windows.values()];
}

/**
 * What to write so that the groups touched by `added` and `removed` are derived again.
 * `context` must hold, for each window, every stored fact of the group with validFrom ≥ from
 * and every fact that held before `from` and was still open at it (see the stores).
 */
export function planChanges(input: {
  added: readonly StoredFact[];
  removed: readonly StoredFact[];
  context: readonly StoredFact[];
}): FactChanges {
  const removedIds = new Set(input.removed.map((f) => f.id));
  const stored = new Map<string, StoredFact>();
  for (const fact of input.context) {
    if (!removedIds.has(fact.id)) {
      stored.set(fact.id, fact);
    }
  }
  // A fact already stored is not added twice (a replayed batch changes nothing).
  const added = input.added.filter((f) => !stored.has(f.id));
  const changes: FactChanges = {
    inserts: [],
    updates: [],
    deletes: [...input.removed],
    delta: NO_COUNTS,
  };
  const byGroup = new Map<string, StoredFact[]>();
  for (const fact of [...stored.values(), ...added]) {
    const key = groupKey(fact);
    const group = byGroup.get(key);
    if (group) {
      group.push(fact);
    } else {
      byGroup.set(key, [fact]);
    }
  }
  const addedIds = new Set(added.map((f) => f.id));
  for (const window of windowsOf([...added, ...input.removed])) {
    const facts = byGroup.get(groupKey(window)) ?? [];
    const prior: PriorFact[] = [];
    const claims: StoredFact[] = [];
    for (const fact of facts) {
      if (fact.validFrom < window.from) {
        prior.push({ id: fact.id, object: fact.object, conflictId: fact.conflictId });
      } else {
        claims.push(fact);
      }
    }
    const derived = resolveTimeline(prior, claims);
    for (const fact of facts) {
      const next = derived.get(fact.id) as Derived;
      if (addedIds.has(fact.id)) {
        changes.inserts.push({ ...fact, ...next });
      } else if (differs(fact, next)) {
        changes.updates.push({ ...fact, ...next });
      }
    }
  }
  changes.delta = countsDelta(input.context, input.removed, changes);
  return changes;
}

/**
 * The change in counts between the context as stored and as it will be. Exact for conflicts
 * too: every current member of a contradiction that a window touches is in its context (they
 * share the slot's validFrom and are open), so "has a current member" is known before and after.
 */
function countsDelta(
  context: readonly StoredFact[],
  removed: readonly StoredFact[],
  changes: Omit<FactChanges, 'delta'>,
): FactCounts {
  const before = new Map<string, StoredFact>();
  [...context, ...removed].forEach((f) => before.set(f.id, f));
  const after = new Map(before);
  removed.forEach((f) => after.delete(f.id));
  [...changes.updates, ...changes.inserts].forEach((f) => after.set(f.id, f));
  const a = countsOf(after.values());
  const b = countsOf(before.values());
  return {
    facts: a.facts - b.facts,
    conflictingFacts: a.conflictingFacts - b.conflictingFacts,
    conflicts: a.conflicts - b.conflicts,
  };
}

/** Counts of a set of facts (a whole generation, or the facts a unit touches). */
export function countsOf(facts: Iterable<StoredFact>): FactCounts {
  let current = 0;
  let conflicting = 0;
  const conflicts = new Set<string>();
  for (const f of facts) {
    if (f.status === 'current') {
      current += 1;
      if (f.conflictId !== null) {
        conflicting += 1;
        conflicts.add(f.conflictId);
      }
    }
  }
  return { facts: current, conflictingFacts: conflicting, conflicts: conflicts.size };
}

/** A map key for a subject and predicate (the length prefix keeps it unambiguous). */
export function groupKey(fact: { subject: string; predicate: string }): string {
  return `${fact.subject.length}:${fact.subject}${fact.predicate}`;
}

function differs(a: Derived, b: Derived): boolean {
  return (
    a.status !== b.status ||
    a.validTo !== b.validTo ||
    a.supersededBy !== b.supersededBy ||
    a.conflictId !== b.conflictId
  );
}
