/**
 * EXPERIMENT ONLY — preload for `node -r <compiled file> dist/main.js` that applies, in memory,
 * the changes suggested in docs/performance.md ("PlasticLTM"), so their effect can be measured
 * before anyone edits src/. Nothing here is meant to ship; the source stays as it is.
 *
 * WHAT_IF is a comma-separated list:
 *  - `batch`: AppendQueue drains after setImmediate instead of one microtask, so the stores
 *    parsed in the same event-loop turn share one SQLite transaction (group commit). With the
 *    synchronous SQLite writer the queue otherwise never holds more than one store.
 *  - `sql`: MemoryRepository's hot reads and the recall's UPDATE go through statements prepared
 *    once on the better-sqlite3 handle. TypeORM's SQLite driver inlines numeric parameters into
 *    the SQL text, so the UPDATE (and the proof's node query) is a new statement every time:
 *    one prepare per request, and the 100-entry statement cache keeps evicting the rest.
 */
import { join } from 'node:path';

type Fn = (...args: never[]) => unknown;
interface Proto {
  prototype: Record<string, Fn>;
}

const wanted = new Set((process.env.WHAT_IF ?? '').split(',').filter(Boolean));
const dist = (path: string) => join(process.cwd(), 'dist', path);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (path: string, name: string) => (require(dist(path)) as Record<string, Proto>)[name];

if (wanted.has('batch')) {
  const AppendQueue = load('modules/memory/log/append-queue.js', 'AppendQueue');
  const drain = AppendQueue.prototype.drain as (this: unknown) => Promise<void>;
  AppendQueue.prototype.drain = async function drainAfterTurn(this: unknown) {
    await new Promise((resolve) => setImmediate(resolve));
    return drain.call(this);
  };
}

interface Statement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}
interface Handle {
  prepare(sql: string): Statement;
}
interface Repo {
  dataSource: { options: { type: string }; driver: { databaseConnection: Handle } };
}
interface MemoryRow {
  [column: string]: unknown;
}

const statements = new WeakMap<object, Record<string, Statement>>();

function sqlite(repo: Repo): Record<string, Statement> | undefined {
  if (repo.dataSource.options.type !== 'better-sqlite3') {
    return undefined;
  }
  let s = statements.get(repo);
  if (!s) {
    const db = repo.dataSource.driver.databaseConnection;
    s = {
      byId: db.prepare('SELECT * FROM memories WHERE id = ?'),
      state: db.prepare('SELECT tree_size, root_hash FROM log_state WHERE id = 1'),
      node: db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?'),
      reinforce: db.prepare(
        `UPDATE memories SET strength = ?, reinforced_at = ?, fades_at = ?, recall_count = recall_count + 1
         WHERE id = ? AND reinforced_at = ? AND strength = ? AND forgotten_at IS NULL`,
      ),
    };
    statements.set(repo, s);
  }
  return s;
}

const num = (v: unknown) => (v === null ? null : Number(v));

function toEntity(row: MemoryRow) {
  return {
    id: row.id,
    leafIndex: Number(row.leaf_index),
    leafHash: row.leaf_hash,
    kind: row.kind,
    contentType: row.content_type,
    content: row.content,
    contentSha256: row.content_sha256,
    sizeBytes: row.size_bytes,
    tags: row.tags,
    importance: row.importance,
    strength: row.strength,
    pinned: row.pinned === 1 || row.pinned === true,
    createdAt: Number(row.created_at),
    reinforcedAt: Number(row.reinforced_at),
    recallCount: row.recall_count,
    expiresAt: num(row.expires_at),
    fadesAt: num(row.fades_at),
    forgottenAt: num(row.forgotten_at),
  };
}

if (wanted.has('sql')) {
  const MemoryRepository = load('modules/memory/memory.repository.js', 'MemoryRepository');
  const p = MemoryRepository.prototype;
  const original = { ...p };
  p.findById = function findById(this: Repo, id: string) {
    const s = sqlite(this);
    if (!s) {
      return (original.findById as (this: Repo, id: string) => unknown).call(this, id);
    }
    const row = s.byId.get(id) as MemoryRow | undefined;
    return Promise.resolve(row ? toEntity(row) : null);
  };
  p.logState = function logState(this: Repo) {
    const s = sqlite(this);
    if (!s) {
      return original.logState.call(this);
    }
    const row = s.state.get() as { tree_size: number; root_hash: string };
    return Promise.resolve({ treeSize: Number(row.tree_size), rootHash: row.root_hash });
  };
  p.nodesById = function nodesById(this: Repo, ids: Array<{ level: number; index: number }>) {
    const s = sqlite(this);
    if (!s) {
      return (original.nodesById as (this: Repo, i: unknown) => unknown).call(this, ids);
    }
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      const row = s.node.get(id.level, id.index) as { hash: string } | undefined;
      if (row) {
        out.set(`${id.level}:${id.index}`, Buffer.from(row.hash, 'hex'));
      }
    }
    return Promise.resolve(out);
  };
  p.updateStrength = function updateStrength(
    this: Repo,
    memory: { id: string; reinforcedAt: number; strength: number },
    next: { strength: number; reinforcedAt: number; fadesAt: number | null },
  ) {
    const s = sqlite(this);
    if (!s) {
      return (original.updateStrength as (this: Repo, m: unknown, n: unknown) => unknown).call(
        this,
        memory,
        next,
      );
    }
    const result = s.reinforce.run(
      next.strength,
      next.reinforcedAt,
      next.fadesAt,
      memory.id,
      memory.reinforcedAt,
      memory.strength,
    );
    return Promise.resolve(result.changes > 0);
  };
}
