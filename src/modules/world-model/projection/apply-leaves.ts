import { addCounts, claimsOfLeaf, LeafInput, planChanges, StoredFact, windowsOf } from './plan';
import type { Generation, SkippedLeaf, WorldReader, WorldWrites } from './world-store';

/** Most facts per unit: bounds a unit's transaction (and, on SQLite, how long it holds the loop). */
export const MAX_FACTS_PER_UNIT = 5000;

export interface AppliedLeaves {
  writes: WorldWrites;
  /** Leaves applied (a prefix of those given). */
  leaves: number;
  facts: number;
  skipped: number;
}

/**
 * The writes that apply `leaves` (in order, starting right after the generation's cursor) to a
 * generation and move its cursor past them. Stops early at MAX_FACTS_PER_UNIT facts (at least
 * one leaf) or at a gap in leaf indices; the next unit goes on from the new cursor.
 */
export async function applyLeaves(
  reader: WorldReader,
  generation: Generation,
  leaves: readonly LeafInput[],
): Promise<AppliedLeaves> {
  const added: StoredFact[] = [];
  const skipped: SkippedLeaf[] = [];
  let through = generation.appliedThrough;
  for (const leaf of leaves) {
    if (leaf.leafIndex !== through + 1) {
      break;
    }
    const claims = claimsOfLeaf(leaf);
    if (claims.kind === 'facts') {
      if (added.length > 0 && added.length + claims.facts.length > MAX_FACTS_PER_UNIT) {
        break;
      }
      added.push(...claims.facts);
    } else if (claims.kind === 'skip') {
      skipped.push({
        generation: generation.generation,
        leafIndex: leaf.leafIndex,
        memoryId: leaf.id,
        reason: claims.reason,
      });
    }
    through = leaf.leafIndex;
  }
  const context =
    added.length > 0 ? await reader.context(generation.generation, windowsOf(added)) : [];
  const changes = planChanges({ added, removed: [], context });
  return {
    writes: {
      facts: [{ generation: generation.generation, changes }],
      skipped,
      unskipped: [],
      generations: [
        {
          generation: generation.generation,
          state: generation.state,
          appliedThrough: through,
          counts: addCounts(generation.counts, changes.delta),
        },
      ],
    },
    leaves: through - generation.appliedThrough,
    facts: changes.inserts.length,
    skipped: skipped.length,
  };
}

/** The writes that withdraw what the given leaves contributed to a generation. */
export async function withdrawLeaves(
  reader: WorldReader,
  generation: Generation,
  leaves: readonly number[],
): Promise<WorldWrites> {
  const removed = await reader.factsOfLeaves(generation.generation, leaves);
  const context =
    removed.length > 0 ? await reader.context(generation.generation, windowsOf(removed)) : [];
  const changes = planChanges({ added: [], removed, context });
  return {
    facts: [{ generation: generation.generation, changes }],
    skipped: [],
    unskipped: [{ generation: generation.generation, leaves: [...leaves] }],
    generations:
      removed.length > 0
        ? [{ ...generation, counts: addCounts(generation.counts, changes.delta) }]
        : [],
  };
}

export function mergeWrites(all: readonly WorldWrites[]): WorldWrites {
  return {
    facts: all.flatMap((w) => w.facts),
    skipped: all.flatMap((w) => w.skipped),
    unskipped: all.flatMap((w) => w.unskipped),
    generations: all.flatMap((w) => w.generations),
  };
}
