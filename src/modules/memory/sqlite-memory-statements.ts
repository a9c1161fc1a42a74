import type BetterSqlite3 from 'better-sqlite3';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { MemoryEntity } from './entities';
import { NodeId, nodeKey } from './merkle';
import { TagTails, tagTailsOf } from './tag-tails';

/** A recall's reinforcement: applies only if the memory is as it was read (optimistic). */
export interface Reinforcement {
  id: string;
  /** The strength and time the recall read, which the row must still hold. */
  readStrength: number;
  readReinforcedAt: number;
  strength: number;
  reinforcedAt: number;
  fadesAt: number | null;
}

/**
 * The hot reads and the recall's reinforcement on SQLite, as statements prepared once on the
 * better-sqlite3 handle. TypeORM's SQLite driver writes numeric parameters into the SQL text,
 * so through it every UPDATE and node lookup was a new statement to prepare (and its 100-entry
 * cache kept evicting the rest). Rows are read with the entity's property names as aliases.
 */
export class SqliteMemoryStatements {
  private readonly byId: BetterSqlite3.Statement<[string]>;
  private readonly byLeafRange: BetterSqlite3.Statement<[number, number]>;
  private readonly state: BetterSqlite3.Statement<[]>;
  private readonly node: BetterSqlite3.Statement<[number, number]>;
  private readonly kindBefore: BetterSqlite3.Statement<[string, number, number]>;
  private readonly tagsOfKindTagBefore: BetterSqlite3.Statement<[string, string, number, number]>;
  private readonly update: BetterSqlite3.Statement<unknown[]>;
  private readonly reinforceAll: BetterSqlite3.Transaction<
    (batch: readonly Reinforcement[]) => boolean[]
  >;
  private readonly booleans: string[];
  private readonly tails: TagTails;

  constructor(
    readonly db: BetterSqlite3.Database,
    memoryColumns: readonly ColumnMetadata[],
  ) {
    const select = memoryColumns.map((c) => `${c.databaseName} AS "${c.propertyName}"`).join(', ');
    this.tails = tagTailsOf(db);
    this.booleans = memoryColumns.filter((c) => c.type === 'boolean').map((c) => c.propertyName);
    this.byId = db.prepare(`SELECT ${select} FROM memories WHERE id = ?`);
    this.byLeafRange = db.prepare(
      `SELECT ${select} FROM memories WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index`,
    );
    this.state = db.prepare('SELECT tree_size, root_hash FROM log_state WHERE id = 1');
    this.node = db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?');
    // The conscience's alignment statistics (leafTags) and precedent (latestTagged).
    this.kindBefore = db.prepare(
      `SELECT id, leaf_index AS leafIndex, created_at AS createdAt, tags FROM memories
       WHERE kind = ? AND leaf_index < ? ORDER BY leaf_index DESC LIMIT ?`,
    );
    // Joined on the leaf index (an integer unique key), not the UUID text key: half the time.
    this.tagsOfKindTagBefore = db
      .prepare(
        `SELECT m.tags FROM memory_tags t INNER JOIN memories m ON m.leaf_index = t.leaf_index
         WHERE t.tag = ? AND m.kind = ? AND t.leaf_index < ? ORDER BY t.leaf_index DESC LIMIT ?`,
      )
      .pluck(true);
    this.update = db.prepare(
      `UPDATE memories SET strength = ?, reinforced_at = ?, fades_at = ?, recall_count = recall_count + 1
       WHERE id = ? AND reinforced_at = ? AND strength = ? AND forgotten_at IS NULL`,
    );
    this.reinforceAll = db.transaction((batch: readonly Reinforcement[]) =>
      batch.map(
        (r) =>
          this.update.run(
            r.strength,
            r.reinforcedAt,
            r.fadesAt,
            r.id,
            r.readReinforcedAt,
            r.readStrength,
          ).changes > 0,
      ),
    );
  }

  memoryById(id: string): MemoryEntity | null {
    const row = this.byId.get(id) as Record<string, unknown> | undefined;
    return row ? this.entity(row) : null;
  }

  memoriesByLeafRange(start: number, end: number): MemoryEntity[] {
    return (this.byLeafRange.all(start, end) as Array<Record<string, unknown>>).map((row) =>
      this.entity(row),
    );
  }

  logState(): { treeSize: number; rootHash: string } {
    const row = this.state.get() as { tree_size: number; root_hash: string } | undefined;
    if (!row) {
      throw new Error('log_state has no row: the migrations have not run');
    }
    return { treeSize: Number(row.tree_size), rootHash: row.root_hash };
  }

  /** One point lookup per node: each is a primary-key probe of a statement prepared once. */
  nodes(ids: readonly NodeId[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      const row = this.node.get(id.level, id.index) as { hash: string } | undefined;
      if (row) {
        out.set(nodeKey(id), Buffer.from(row.hash, 'hex'));
      }
    }
    return out;
  }

  /** Leaf fields of the newest memories of a kind below a leaf index. */
  leafTags(
    kind: string,
    before: number,
    limit: number,
  ): Array<{ id: string; leafIndex: number; createdAt: number; tags: string }> {
    return this.kindBefore.all(kind, before, limit) as Array<{
      id: string;
      leafIndex: number;
      createdAt: number;
      tags: string;
    }>;
  }

  /**
   * The tree size and, below it, the tags of the newest memories of a kind with a tag, newest
   * first: one snapshot, as nothing else writes between two synchronous reads. Answered from the
   * connection's tag tails when they hold the pair, else from the index (and kept there).
   */
  latestTagged(
    kind: string,
    tag: string,
    limit: number,
  ): { treeSize: number; tags: Array<readonly string[]> } {
    const { treeSize } = this.logState();
    const tags = this.tails.latest(kind, tag, limit, treeSize, () =>
      (this.tagsOfKindTagBefore.all(tag, kind, treeSize, limit) as string[]).map(
        (row) => JSON.parse(row) as string[],
      ),
    );
    return { treeSize, tags };
  }

  /** Every update in one IMMEDIATE transaction; true for each that applied. */
  reinforce(batch: readonly Reinforcement[]): boolean[] {
    return this.reinforceAll.immediate(batch);
  }

  private entity(row: Record<string, unknown>): MemoryEntity {
    for (const name of this.booleans) {
      row[name] = row[name] === 1 || row[name] === true;
    }
    return row as unknown as MemoryEntity;
  }
}
