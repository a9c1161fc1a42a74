import type BetterSqlite3 from 'better-sqlite3';
import { nodeKey } from '../merkle';
import { TagTails, tagTailsOf } from '../tag-tails';
import { Frontier, frontierIds, PendingMemory, planAppend } from './append-plan';
import type { AppendResult, LogWriter } from './log-writer';

/**
 * SQLite appends run as one synchronous better-sqlite3 transaction: nothing else can run on the
 * (single) connection in between, so appends are serialized and no reader ever sees half of
 * one. TypeORM's shared SQLite query runner cannot isolate concurrent async transactions.
 */
export class SqliteLogWriter implements LogWriter {
  private frontier: Frontier | null = null;
  /** The readers' tag tails on this connection, extended after each commit. */
  private readonly tails: TagTails;
  private readonly statements: ReturnType<SqliteLogWriter['prepare']>;
  private readonly run: BetterSqlite3.Transaction<
    (batch: readonly PendingMemory[]) => AppendResult
  >;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.statements = this.prepare();
    this.tails = tagTailsOf(db);
    this.run = db.transaction((batch: readonly PendingMemory[]) => this.appendSync(batch));
  }

  // async only to honour the LogWriter contract: the work itself is synchronous.
  // eslint-disable-next-line @typescript-eslint/require-await
  async append(batch: readonly PendingMemory[]): Promise<AppendResult> {
    let result: AppendResult;
    try {
      // IMMEDIATE takes the write lock up front, so another process fails fast with BUSY.
      result = this.run.immediate(batch);
    } catch (error) {
      this.frontier = null;
      throw error;
    }
    // Committed: extend the readers' tag tails before anything else can read. The append has
    // happened whatever the cache does, so a failure there only empties it.
    try {
      this.tails.appended(result.appended, result.treeSize);
    } catch {
      this.tails.clear();
    }
    return result;
  }

  reset(): void {
    this.frontier = null;
  }

  private appendSync(batch: readonly PendingMemory[]): AppendResult {
    const s = this.statements;
    const state = s.state.get() as { tree_size: number | bigint; root_hash: string };
    const size = Number(state.tree_size);
    const frontier = this.frontier?.size === size ? this.frontier : this.loadFrontier(size);
    const plan = planAppend(frontier, batch);
    for (const m of plan.appended) {
      s.insertMemory.run(
        m.id,
        m.leafIndex,
        m.leafHash,
        m.kind,
        m.contentType,
        m.canonical,
        m.contentSha256,
        m.sizeBytes,
        JSON.stringify(m.tags),
        m.importance,
        m.strength,
        m.pinned ? 1 : 0,
        m.createdAt,
        m.createdAt,
        m.expiresAt,
        m.fadesAt,
      );
      for (const tag of m.tags) {
        s.insertTag.run(m.id, tag, m.leafIndex);
      }
    }
    for (const node of plan.nodes) {
      s.insertNode.run(node.level, node.index, node.hash.toString('hex'));
    }
    s.updateState.run(plan.frontier.size, plan.rootHash);
    // If the commit itself fails, append() drops this cache again.
    this.frontier = plan.frontier;
    return { appended: plan.appended, treeSize: plan.frontier.size, rootHash: plan.rootHash };
  }

  private loadFrontier(size: number): Frontier {
    const nodes = new Map<string, Buffer>();
    for (const id of frontierIds(size)) {
      const row = this.statements.node.get(id.level, id.index) as { hash: string } | undefined;
      if (!row) {
        throw new Error(`merkle node ${id.level}:${id.index} is missing for tree size ${size}`);
      }
      nodes.set(nodeKey(id), Buffer.from(row.hash, 'hex'));
    }
    return { size, nodes };
  }

  private prepare() {
    const db = this.db;
    return {
      state: db.prepare('SELECT tree_size, root_hash FROM log_state WHERE id = 1'),
      node: db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?'),
      insertMemory: db.prepare(
        `INSERT INTO memories (id, leaf_index, leaf_hash, kind, content_type, content, content_sha256,
           size_bytes, tags, importance, strength, pinned, created_at, reinforced_at, expires_at, fades_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertTag: db.prepare(
        'INSERT INTO memory_tags (memory_id, tag, leaf_index) VALUES (?, ?, ?)',
      ),
      insertNode: db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)'),
      updateState: db.prepare('UPDATE log_state SET tree_size = ?, root_hash = ? WHERE id = 1'),
    };
  }
}
