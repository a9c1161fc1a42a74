import { holds } from '../../rules/timeline';
import type { StoredFact } from '../plan';
import { SerialQueue } from '../serial-queue';
import type { Generation, SkippedLeaf, WorldReader, WorldStore, WorldWrites } from '../world-store';

/** The projection tables in memory, with the SQL stores' semantics (for unit tests). */
export class InMemoryWorldStore implements WorldStore {
  readonly generations = new Map<number, Generation>([
    [
      1,
      {
        generation: 1,
        state: 'active',
        appliedThrough: -1,
        counts: { facts: 0, conflictingFacts: 0, conflicts: 0 },
        createdAt: 0,
        updatedAt: 0,
      },
    ],
  ]);
  readonly facts = new Map<number, Map<string, StoredFact>>();
  readonly skipped = new Map<number, Map<number, SkippedLeaf>>();
  /** The next commit throws this. */
  failNextCommit: Error | null = null;
  /** Every commit that inserts a fact this accepts throws what it returns (a row the database refuses). */
  refuseFact: ((fact: StoredFact) => Error | null) | null = null;
  commits = 0;
  private readonly queue = new SerialQueue();

  exclusive<T>(
    work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
  ): Promise<T> {
    return this.queue.run(async () => {
      const { writes, result } = await work(this.reader());
      if (this.failNextCommit) {
        const error = this.failNextCommit;
        this.failNextCommit = null;
        throw error;
      }
      for (const { changes } of writes.facts) {
        const refused = changes.inserts.map((f) => this.refuseFact?.(f)).find(Boolean);
        if (refused) {
          throw refused;
        }
      }
      this.write(writes);
      return result;
    });
  }

  purge(generation: number, limit: number): Promise<number> {
    const facts = this.table(this.facts, generation);
    const ids = [...facts.keys()].slice(0, limit);
    ids.forEach((id) => facts.delete(id));
    const skipped = this.table(this.skipped, generation);
    const leaves = [...skipped.keys()].slice(0, limit);
    leaves.forEach((leaf) => skipped.delete(leaf));
    return Promise.resolve(ids.length + leaves.length);
  }

  dropGeneration(generation: number): Promise<void> {
    this.generations.delete(generation);
    return Promise.resolve();
  }

  active(): Generation {
    return [...this.generations.values()].find((g) => g.state === 'active') as Generation;
  }

  /** Facts of a generation in id order, without their generation. */
  factsOf(generation: number): StoredFact[] {
    return [...this.table(this.facts, generation).values()].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
  }

  private reader(): WorldReader {
    return {
      generations: () => Promise.resolve([...this.generations.values()].map((g) => ({ ...g }))),
      context: (generation, windows) =>
        Promise.resolve(
          [...this.table(this.facts, generation).values()].filter((f) =>
            windows.some(
              (w) =>
                w.subject === f.subject &&
                w.predicate === f.predicate &&
                (f.validFrom >= w.from ||
                  (holds(f.status) && (f.validTo === null || f.validTo >= w.from))),
            ),
          ),
        ),
      factsOfLeaves: (generation, leaves) =>
        Promise.resolve(
          [...this.table(this.facts, generation).values()].filter((f) =>
            leaves.includes(f.sourceLeaf),
          ),
        ),
      nextLeafWithFacts: (generation, from) => {
        const leaves = [...this.table(this.facts, generation).values()]
          .map((f) => f.sourceLeaf)
          .filter((leaf) => leaf >= from);
        return Promise.resolve(leaves.length > 0 ? Math.min(...leaves) : null);
      },
    };
  }

  private write(writes: WorldWrites): void {
    this.commits += 1;
    for (const { generation, changes } of writes.facts) {
      const facts = this.table(this.facts, generation);
      changes.deletes.forEach((f) => facts.delete(f.id));
      [...changes.inserts, ...changes.updates].forEach((f) => facts.set(f.id, f));
    }
    writes.skipped.forEach((s) => this.table(this.skipped, s.generation).set(s.leafIndex, s));
    writes.unskipped.forEach(({ generation, leaves }) =>
      leaves.forEach((leaf) => this.table(this.skipped, generation).delete(leaf)),
    );
    for (const g of writes.generations) {
      const known = this.generations.get(g.generation);
      this.generations.set(g.generation, {
        createdAt: known?.createdAt ?? Date.now(),
        ...g,
        updatedAt: Date.now(),
      });
    }
  }

  private table<K, V>(tables: Map<number, Map<K, V>>, generation: number): Map<K, V> {
    let table = tables.get(generation);
    if (!table) {
      table = new Map<K, V>();
      tables.set(generation, table);
    }
    return table;
  }
}
