import type { FactChanges, FactCounts, GroupWindow, StoredFact } from './plan';

export type GenerationState = 'active' | 'building' | 'retired';

export interface Generation {
  generation: number;
  state: GenerationState;
  /** Last leaf index applied; -1 before the first. */
  appliedThrough: number;
  counts: FactCounts;
  createdAt: number;
  updatedAt: number;
}

export type GenerationWrite = Pick<
  Generation,
  'generation' | 'state' | 'appliedThrough' | 'counts'
>;

export interface SkippedLeaf {
  generation: number;
  leafIndex: number;
  memoryId: string;
  reason: string;
}

/** What a unit of projection work reads, always from the state its own writes will change. */
export interface WorldReader {
  generations(): Promise<Generation[]>;
  /**
   * For each window: every fact of the group with validFrom ≥ from, and every fact that held
   * before `from` and was still open at it. Both are exactly the rows with valid_to ≥ from (see
   * rows.ts: valid_to ≥ valid_from on every row, and claims that never held end where they
   * start), so this is one range of the (generation, subject, predicate, valid_to) index.
   */
  context(generation: number, windows: readonly GroupWindow[]): Promise<StoredFact[]>;
  factsOfLeaves(generation: number, leaves: readonly number[]): Promise<StoredFact[]>;
  /** The smallest source leaf ≥ `from` that has facts, or null. */
  nextLeafWithFacts(generation: number, from: number): Promise<number | null>;
}

/** Everything a unit writes; committed in one transaction, or not at all. */
export interface WorldWrites {
  facts: Array<{ generation: number; changes: FactChanges }>;
  skipped: SkippedLeaf[];
  unskipped: Array<{ generation: number; leaves: number[] }>;
  /** Inserted or updated (state, cursor, counts). */
  generations: GenerationWrite[];
}

export const NO_WRITES: WorldWrites = { facts: [], skipped: [], unskipped: [], generations: [] };

/**
 * The projection's tables. `exclusive` runs one unit of work at a time — in this process (a
 * queue) and, on PostgreSQL, across replicas (an advisory lock) — and commits the writes it
 * returns in one transaction, so a unit's facts and its cursor move together.
 */
export interface WorldStore {
  exclusive<T>(
    work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
  ): Promise<T>;
  /** Deletes up to `limit` rows of a retired generation; returns how many went. */
  purge(generation: number, limit: number): Promise<number>;
  /** Removes a generation's cursor row (once its rows are purged). */
  dropGeneration(generation: number): Promise<void>;
}

export function isEmpty(writes: WorldWrites): boolean {
  return (
    writes.generations.length === 0 &&
    writes.skipped.length === 0 &&
    writes.unskipped.length === 0 &&
    writes.facts.every(
      ({ changes }) =>
        changes.inserts.length + changes.updates.length + changes.deletes.length === 0,
    )
  );
}

export function activeOf(generations: readonly Generation[]): Generation {
  const active = generations.find((g) => g.state === 'active');
  if (!active) {
    throw new Error('the world model has no active generation');
  }
  return active;
}
