import type BetterSqlite3 from 'better-sqlite3';
import type { GroupWindow, StoredFact } from './plan';
import { FACT_COLUMNS, FactRow, factValues, fromRow, storedValidTo } from './rows';
import { SerialQueue } from './serial-queue';
import { seedPlannerStats } from './sqlite-planner-stats';
import {
  Generation,
  GenerationState,
  isEmpty,
  WorldReader,
  WorldStore,
  WorldWrites,
} from './world-store';

interface GenerationRow {
  generation: number;
  state: string;
  applied_through: number;
  current_facts: number;
  conflicting_facts: number;
  open_conflicts: number;
  created_at: number;
  updated_at: number;
}

/**
 * SQLite: reads run on the raw better-sqlite3 handle, and a unit's writes commit as one
 * synchronous transaction. TypeORM's single SQLite connection cannot isolate concurrent async
 * transactions (they would nest as savepoints, and a memory append could end up inside ours),
 * so nothing here ever awaits with a transaction open. Units are serialized by a queue; this
 * process is the only writer of the world tables, so reads before the commit stay valid.
 */
export class SqliteWorldStore implements WorldStore {
  private readonly queue = new SerialQueue();
  private readonly s: ReturnType<SqliteWorldStore['prepare']>;
  private readonly commit: BetterSqlite3.Transaction<(writes: WorldWrites) => void>;
  private readonly reader: WorldReader;

  constructor(private readonly db: BetterSqlite3.Database) {
    seedPlannerStats(db);
    this.s = this.prepare();
    this.commit = db.transaction((writes: WorldWrites) => this.write(writes));
    this.reader = {
      generations: () => Promise.resolve(this.generations()),
      context: (generation, windows) => Promise.resolve(this.context(generation, windows)),
      factsOfLeaves: (generation, leaves) =>
        Promise.resolve(
          leaves.flatMap((leaf) => (this.s.byLeaf.all(generation, leaf) as FactRow[]).map(fromRow)),
        ),
      nextLeafWithFacts: (generation, from) => {
        const row = this.s.nextLeaf.get(generation, from) as { leaf: number | null } | undefined;
        return Promise.resolve(row?.leaf ?? null);
      },
    };
  }

  exclusive<T>(
    work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
  ): Promise<T> {
    return this.queue.run(async () => {
      const { writes, result } = await work(this.reader);
      if (!isEmpty(writes)) {
        this.commit.immediate(writes);
      }
      return result;
    });
  }

  purge(generation: number, limit: number): Promise<number> {
    return this.queue.run(() => {
      const run = this.db.transaction(() => {
        const facts = this.s.purgeFacts.run(generation, limit).changes;
        const skipped = this.s.purgeSkipped.run(generation, limit).changes;
        return facts + skipped;
      });
      return Promise.resolve(run.immediate());
    });
  }

  dropGeneration(generation: number): Promise<void> {
    return this.queue.run(() => {
      this.s.dropGeneration.run(generation);
      return Promise.resolve();
    });
  }

  private generations(): Generation[] {
    return (this.s.generations.all() as GenerationRow[]).map((row) => ({
      generation: row.generation,
      state: row.state as GenerationState,
      appliedThrough: row.applied_through,
      counts: {
        facts: row.current_facts,
        conflictingFacts: row.conflicting_facts,
        conflicts: row.open_conflicts,
      },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  private context(generation: number, windows: readonly GroupWindow[]): StoredFact[] {
    const out: StoredFact[] = [];
    for (const w of windows) {
      const rows = this.s.window.all(generation, w.subject, w.predicate, w.from);
      for (const row of rows) {
        out.push(fromRow(row as FactRow));
      }
    }
    return out;
  }

  private write(writes: WorldWrites): void {
    const s = this.s;
    for (const { generation, changes } of writes.facts) {
      for (const fact of changes.deletes) {
        s.deleteFact.run(generation, fact.sourceLeaf, fact.factIndex);
      }
      for (const fact of changes.inserts) {
        s.insertFact.run(...factValues(generation, fact));
      }
      for (const f of changes.updates) {
        s.updateFact.run(
          f.status,
          storedValidTo(f),
          f.supersededBy,
          f.conflictId,
          generation,
          f.sourceLeaf,
          f.factIndex,
        );
      }
    }
    for (const skip of writes.skipped) {
      s.skip.run(skip.generation, skip.leafIndex, skip.memoryId, skip.reason);
    }
    for (const { generation, leaves } of writes.unskipped) {
      for (const leaf of leaves) {
        s.unskip.run(generation, leaf);
      }
    }
    const now = Date.now();
    for (const g of writes.generations) {
      const { facts, conflictingFacts, conflicts } = g.counts;
      s.upsertGeneration.run(
        g.generation,
        g.state,
        g.appliedThrough,
        facts,
        conflictingFacts,
        conflicts,
        now,
        now,
      );
    }
  }

  private prepare() {
    const db = this.db;
    const facts =
      'SELECT * FROM world_facts WHERE generation = ? AND subject = ? AND predicate = ?';
    return {
      generations: db.prepare('SELECT * FROM world_projection ORDER BY generation'),
      // One index range: see WorldReader.context.
      window: db.prepare(`${facts} AND valid_to >= ?`),
      byLeaf: db.prepare('SELECT * FROM world_facts WHERE generation = ? AND source_leaf = ?'),
      nextLeaf: db.prepare(
        'SELECT MIN(source_leaf) AS leaf FROM world_facts WHERE generation = ? AND source_leaf >= ?',
      ),
      insertFact: db.prepare(
        `INSERT INTO world_facts (${FACT_COLUMNS.join(', ')}) VALUES (${FACT_COLUMNS.map(() => '?').join(', ')})`,
      ),
      updateFact: db.prepare(
        `UPDATE world_facts SET status = ?, valid_to = ?, superseded_by = ?, conflict_id = ?
         WHERE generation = ? AND source_leaf = ? AND fact_index = ?`,
      ),
      deleteFact: db.prepare(
        'DELETE FROM world_facts WHERE generation = ? AND source_leaf = ? AND fact_index = ?',
      ),
      skip: db.prepare(
        `INSERT INTO world_skipped (generation, leaf_index, memory_id, reason) VALUES (?, ?, ?, ?)
         ON CONFLICT (generation, leaf_index) DO NOTHING`,
      ),
      unskip: db.prepare('DELETE FROM world_skipped WHERE generation = ? AND leaf_index = ?'),
      upsertGeneration: db.prepare(
        `INSERT INTO world_projection (generation, state, applied_through, current_facts,
           conflicting_facts, open_conflicts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (generation) DO UPDATE SET state = excluded.state,
           applied_through = excluded.applied_through, current_facts = excluded.current_facts,
           conflicting_facts = excluded.conflicting_facts, open_conflicts = excluded.open_conflicts,
           updated_at = excluded.updated_at`,
      ),
      dropGeneration: db.prepare('DELETE FROM world_projection WHERE generation = ?'),
      purgeFacts: db.prepare(
        'DELETE FROM world_facts WHERE rowid IN (SELECT rowid FROM world_facts WHERE generation = ? LIMIT ?)',
      ),
      purgeSkipped: db.prepare(
        'DELETE FROM world_skipped WHERE rowid IN (SELECT rowid FROM world_skipped WHERE generation = ? LIMIT ?)',
      ),
    };
  }
}
