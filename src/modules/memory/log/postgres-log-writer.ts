import type { DataSource, QueryRunner } from 'typeorm';
import { nodeKey } from '../merkle';
import { Frontier, frontierIds, PendingMemory, planAppend } from './append-plan';
import { AppendResult, LOG_APPEND_LOCK_KEY, LogWriter } from './log-writer';

const MEMORY_COLUMNS = [
  'id',
  'leaf_index',
  'leaf_hash',
  'kind',
  'content_type',
  'content',
  'content_sha256',
  'size_bytes',
  'tags',
  'importance',
  'strength',
  'pinned',
  'created_at',
  'reinforced_at',
  'expires_at',
  'fades_at',
];

/** `($1, $2), ($3, $4)` for rows of `width` parameters. */
function valuesList(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r += 1) {
    const cells = Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

/**
 * PostgreSQL appends: one transaction per batch, serialized across processes by a
 * transaction-scoped advisory lock, with multi-row inserts. The frontier cache is used only
 * when the log size under the lock equals the cached size (no other replica appended since).
 */
export class PostgresLogWriter implements LogWriter {
  private frontier: Frontier | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async append(batch: readonly PendingMemory[]): Promise<AppendResult> {
    const runner = this.dataSource.createQueryRunner('master');
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        const result = await this.appendIn(runner, batch);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        this.frontier = null;
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  reset(): void {
    this.frontier = null;
  }

  private async appendIn(
    runner: QueryRunner,
    batch: readonly PendingMemory[],
  ): Promise<AppendResult> {
    await runner.query('SELECT pg_advisory_xact_lock($1)', [LOG_APPEND_LOCK_KEY]);
    const [state] = (await runner.query('SELECT tree_size FROM log_state WHERE id = 1')) as Array<{
      tree_size: string;
    }>;
    const size = Number(state.tree_size);
    const frontier =
      this.frontier?.size === size ? this.frontier : await this.loadFrontier(runner, size);
    const plan = planAppend(frontier, batch);

    const memoryParams = plan.appended.flatMap((m) => [
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
      m.pinned,
      m.createdAt,
      m.createdAt,
      m.expiresAt,
      m.fadesAt,
    ]);
    await runner.query(
      `INSERT INTO memories (${MEMORY_COLUMNS.join(', ')}) VALUES ${valuesList(plan.appended.length, MEMORY_COLUMNS.length)}`,
      memoryParams,
    );
    const tagRows = plan.appended.flatMap((m) => m.tags.map((tag) => [m.id, tag, m.leafIndex]));
    if (tagRows.length > 0) {
      await runner.query(
        `INSERT INTO memory_tags (memory_id, tag, leaf_index) VALUES ${valuesList(tagRows.length, 3)}`,
        tagRows.flat(),
      );
    }
    await runner.query(
      `INSERT INTO merkle_nodes (level, idx, hash) VALUES ${valuesList(plan.nodes.length, 3)}`,
      plan.nodes.flatMap((n) => [n.level, n.index, n.hash.toString('hex')]),
    );
    await runner.query('UPDATE log_state SET tree_size = $1, root_hash = $2 WHERE id = 1', [
      plan.frontier.size,
      plan.rootHash,
    ]);
    this.frontier = plan.frontier;
    return { appended: plan.appended, treeSize: plan.frontier.size, rootHash: plan.rootHash };
  }

  private async loadFrontier(runner: QueryRunner, size: number): Promise<Frontier> {
    const ids = frontierIds(size);
    const nodes = new Map<string, Buffer>();
    if (ids.length > 0) {
      const where = ids
        .map((_, i) => `(level = $${2 * i + 1} AND idx = $${2 * i + 2})`)
        .join(' OR ');
      const rows = (await runner.query(
        `SELECT level, idx, hash FROM merkle_nodes WHERE ${where}`,
        ids.flatMap((id) => [id.level, id.index]),
      )) as Array<{ level: number; idx: string; hash: string }>;
      for (const row of rows) {
        nodes.set(
          nodeKey({ level: row.level, index: Number(row.idx) }),
          Buffer.from(row.hash, 'hex'),
        );
      }
    }
    for (const id of ids) {
      if (!nodes.has(nodeKey(id))) {
        throw new Error(`merkle node ${id.level}:${id.index} is missing for tree size ${size}`);
      }
    }
    return { size, nodes };
  }
}
