import type { DataSource, QueryRunner } from 'typeorm';
import type { GroupWindow, StoredFact } from './plan';
import { FACT_COLUMNS, FactRow, factValues, fromRow, storedValidTo } from './rows';
import { SerialQueue } from './serial-queue';
import {
  Generation,
  GenerationState,
  isEmpty,
  NO_WRITES,
  WorldReader,
  WorldStore,
  WorldWrites,
} from './world-store';

/** Advisory lock key that serializes projection units across replicas ("PHXWLD"). */
export const WORLD_PROJECTION_LOCK_KEY = 0x50_48_58_57_4c_44;
/** Rows per multi-row statement (PostgreSQL allows 65,535 parameters). */
const CHUNK = 1000;
/** PostgreSQL types of FACT_COLUMNS, for unnest. */
const FACT_TYPES: Record<(typeof FACT_COLUMNS)[number], string> = {
  generation: 'int4',
  source_leaf: 'int8',
  fact_index: 'int4',
  id: 'text',
  subject: 'text',
  predicate: 'text',
  object: 'text',
  confidence: 'float8',
  cardinality: 'text',
  valid_from: 'int8',
  valid_to: 'int8',
  recorded_at: 'int8',
  source_memory_id: 'text',
  status: 'text',
  superseded_by: 'text',
  conflict_id: 'text',
};

interface GenerationRow {
  generation: number;
  state: string;
  applied_through: string;
  current_facts: string;
  conflicting_facts: string;
  open_conflicts: string;
  created_at: string;
  updated_at: string;
}

/**
 * PostgreSQL: a unit is one transaction on its own connection, after a transaction-scoped
 * advisory lock, so replicas never apply the same leaves twice; reads happen inside it, after
 * the lock, so they see every unit committed before. Multi-row statements keep round trips
 * per batch constant.
 */
export class PostgresWorldStore implements WorldStore {
  private readonly queue = new SerialQueue();
  /** Rows this process inserted per generation, in all and as of the last ANALYZE. */
  private readonly inserted = new Map<number, number>();
  private analyzed = new Map<number, number>();

  constructor(private readonly dataSource: DataSource) {}

  exclusive<T>(
    work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
  ): Promise<T> {
    return this.queue.run(async () => {
      let written: WorldWrites = NO_WRITES;
      const result = await this.transaction(async (runner) => {
        const done = await work(this.reader(runner));
        if (!isEmpty(done.writes)) {
          await this.write(runner, done.writes);
          written = done.writes;
        }
        return done.result;
      });
      await this.analyzeIfGrown(written);
      return result;
    });
  }

  purge(generation: number, limit: number): Promise<number> {
    return this.queue.run(() =>
      this.transaction(async (runner) => {
        let removed = 0;
        const keys = { world_facts: 'source_leaf, fact_index', world_skipped: 'leaf_index' };
        for (const [table, key] of Object.entries(keys)) {
          const result = (await runner.query(
            `DELETE FROM ${table} WHERE generation = $1 AND (${key}) IN
               (SELECT ${key} FROM ${table} WHERE generation = $1 LIMIT $2)`,
            [generation, limit],
          )) as [unknown[], number];
          removed += result[1];
        }
        return removed;
      }),
    );
  }

  dropGeneration(generation: number): Promise<void> {
    return this.queue.run(() =>
      this.transaction(async (runner) => {
        await runner.query('DELETE FROM world_projection WHERE generation = $1', [generation]);
      }),
    );
  }

  /**
   * The planner's statistics must keep up with world_facts, which can grow from nothing to
   * millions of rows (and gain a whole generation, in a rebuild) between two autovacuum runs.
   * With a generation it believes nearly empty, the planner scans that generation once per key
   * of a unit. So: ANALYZE whenever this process has doubled what it wrote to a generation since
   * the last ANALYZE (from 1,000 rows). ANALYZE reads a fixed-size sample: a few per doubling.
   */
  private async analyzeIfGrown(writes: WorldWrites): Promise<void> {
    for (const { generation, changes } of writes.facts) {
      this.inserted.set(generation, (this.inserted.get(generation) ?? 0) + changes.inserts.length);
    }
    const due = [...this.inserted].some(([generation, rows]) => {
      const before = this.analyzed.get(generation) ?? 0;
      return rows - before >= Math.max(1000, before);
    });
    if (due) {
      await this.dataSource.query('ANALYZE world_facts');
      this.analyzed = new Map(this.inserted);
    }
  }

  private async transaction<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('master');
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        await runner.query('SELECT pg_advisory_xact_lock($1)', [WORLD_PROJECTION_LOCK_KEY]);
        // The projection is derived data and its cursor commits with it: after a crash that
        // loses the last units, it re-applies them. So its commits need not wait for the WAL
        // flush (memory appends still do).
        await runner.query('SET LOCAL synchronous_commit TO OFF');
        const result = await fn(runner);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  private reader(runner: QueryRunner): WorldReader {
    return {
      generations: async () => {
        const rows = (await runner.query(
          'SELECT * FROM world_projection ORDER BY generation',
        )) as GenerationRow[];
        return rows.map((row): Generation => ({
          generation: Number(row.generation),
          state: row.state as GenerationState,
          appliedThrough: Number(row.applied_through),
          counts: {
            facts: Number(row.current_facts),
            conflictingFacts: Number(row.conflicting_facts),
            conflicts: Number(row.open_conflicts),
          },
          createdAt: Number(row.created_at),
          updatedAt: Number(row.updated_at),
        }));
      },
      context: (generation, windows) => this.context(runner, generation, windows),
      factsOfLeaves: async (generation, leaves) => {
        if (leaves.length === 0) {
          return [];
        }
        const rows = (await runner.query(
          'SELECT * FROM world_facts WHERE generation = $1 AND source_leaf = ANY($2::bigint[])',
          [generation, leaves],
        )) as FactRow[];
        return rows.map(fromRow);
      },
      nextLeafWithFacts: async (generation, from) => {
        const [row] = (await runner.query(
          'SELECT MIN(source_leaf) AS leaf FROM world_facts WHERE generation = $1 AND source_leaf >= $2',
          [generation, from],
        )) as Array<{ leaf: string | null }>;
        return row?.leaf === null || row?.leaf === undefined ? null : Number(row.leaf);
      },
    };
  }

  private async context(
    runner: QueryRunner,
    generation: number,
    windows: readonly GroupWindow[],
  ): Promise<StoredFact[]> {
    if (windows.length === 0) {
      return [];
    }
    // One index lookup per window. OFFSET 0 keeps the subquery from being flattened into a
    // join, which the planner could run as a scan of the whole generation.
    const rows = (await runner.query(
      `SELECT f.* FROM unnest($2::text[], $3::text[], $4::bigint[]) AS w(subject, predicate, t)
       CROSS JOIN LATERAL (
         SELECT * FROM world_facts f WHERE f.generation = $1 AND f.subject = w.subject
           AND f.predicate = w.predicate AND f.valid_to >= w.t
         OFFSET 0
       ) f`,
      [
        generation,
        windows.map((w) => w.subject),
        windows.map((w) => w.predicate),
        windows.map((w) => w.from),
      ],
    )) as FactRow[];
    return rows.map(fromRow);
  }

  private async write(runner: QueryRunner, writes: WorldWrites): Promise<void> {
    for (const { generation, changes } of writes.facts) {
      if (changes.deletes.length > 0) {
        await runner.query(
          `DELETE FROM world_facts f USING unnest($2::bigint[], $3::int4[]) AS d(leaf, position)
           WHERE f.generation = $1 AND f.source_leaf = d.leaf AND f.fact_index = d.position`,
          [
            generation,
            changes.deletes.map((f) => f.sourceLeaf),
            changes.deletes.map((f) => f.factIndex),
          ],
        );
      }
      if (changes.inserts.length > 0) {
        const rows = changes.inserts.map((f) => factValues(generation, f));
        await runner.query(
          `INSERT INTO world_facts (${FACT_COLUMNS.join(', ')})
           SELECT * FROM unnest(${FACT_COLUMNS.map((c, i) => `$${i + 1}::${FACT_TYPES[c]}[]`).join(', ')})`,
          FACT_COLUMNS.map((_, c) => rows.map((row) => row[c])),
        );
      }
      if (changes.updates.length > 0) {
        const u = changes.updates;
        await runner.query(
          `UPDATE world_facts AS f SET status = v.status, valid_to = v.valid_to,
             superseded_by = v.superseded_by, conflict_id = v.conflict_id
           FROM unnest($2::bigint[], $3::int4[], $4::text[], $5::bigint[], $6::text[], $7::text[])
             AS v(leaf, position, status, valid_to, superseded_by, conflict_id)
           WHERE f.generation = $1 AND f.source_leaf = v.leaf AND f.fact_index = v.position`,
          [
            generation,
            u.map((f) => f.sourceLeaf),
            u.map((f) => f.factIndex),
            u.map((f) => f.status),
            u.map((f) => storedValidTo(f)),
            u.map((f) => f.supersededBy),
            u.map((f) => f.conflictId),
          ],
        );
      }
    }
    for (let i = 0; i < writes.skipped.length; i += CHUNK) {
      const chunk = writes.skipped.slice(i, i + CHUNK);
      await runner.query(
        `INSERT INTO world_skipped (generation, leaf_index, memory_id, reason)
         VALUES ${valuesList(chunk.length, 4)} ON CONFLICT (generation, leaf_index) DO NOTHING`,
        chunk.flatMap((s) => [s.generation, s.leafIndex, s.memoryId, s.reason]),
      );
    }
    for (const { generation, leaves } of writes.unskipped) {
      await runner.query(
        'DELETE FROM world_skipped WHERE generation = $1 AND leaf_index = ANY($2::bigint[])',
        [generation, leaves],
      );
    }
    const now = Date.now();
    for (const g of writes.generations) {
      await runner.query(
        `INSERT INTO world_projection (generation, state, applied_through, current_facts,
           conflicting_facts, open_conflicts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (generation) DO UPDATE SET state = EXCLUDED.state,
           applied_through = EXCLUDED.applied_through, current_facts = EXCLUDED.current_facts,
           conflicting_facts = EXCLUDED.conflicting_facts, open_conflicts = EXCLUDED.open_conflicts,
           updated_at = EXCLUDED.updated_at`,
        [
          g.generation,
          g.state,
          g.appliedThrough,
          g.counts.facts,
          g.counts.conflictingFacts,
          g.counts.conflicts,
          now,
        ],
      );
    }
  }
}

/** `($1, $2), ($3, $4)` for rows of `width` parameters. */
function valuesList(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r += 1) {
    out.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
  }
  return out.join(', ');
}
