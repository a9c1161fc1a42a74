/**
 * Builds large logs fast, straight into SQLite, for the proof and start-up benchmarks.
 *
 * The Phoenix data directory must have been migrated by the app first (start it once, stop it).
 * Rows are computed with the project's own pure functions (leaf.ts for the content digest,
 * append-plan.ts `planAppend` for leaf indices, leaf hashes, complete-subtree nodes and the
 * root), so memories, merkle_nodes and log_state are exactly what the append path would have
 * written, and the app's proofs and heads verify against them. Written in large transactions.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CONTENT_TYPE, contentSha256 } from '../../src/modules/memory/leaf';
import { Frontier, PendingMemory, planAppend } from '../../src/modules/memory/log/append-plan';
import { DAY_MS, fadesAt, initialStrength } from '../../src/modules/memory/plasticity';
import { openBareDb } from './memory-bare-server';

const CHUNK = 25_000;
/** The service's defaults (PHOENIX_MEMORY_HALF_LIFE=7d, PHOENIX_MEMORY_FORGET_BELOW=0.05). */
const HALF_LIFE_MS = 7 * DAY_MS;
const FORGET_BELOW = 0.05;

export interface Dataset {
  size: number;
  rootHash: string;
  /** Ids spread evenly over the log (first, last and every n/sample-th). */
  sampleIds: string[];
  buildMs: number;
}

function seededContent(i: number): unknown {
  return {
    source: 'bench-seed',
    n: i,
    text: `observation ${i}: the user prefers metric units and short answers`,
  };
}

function bulkPragmas(db: Database.Database): void {
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MiB
  db.pragma('temp_store = MEMORY');
}

function sampleEvery(size: number, wanted: number): number {
  return Math.max(1, Math.floor(size / wanted));
}

/** Appends `count` memories to a migrated, empty Phoenix database in `dataDir`. */
export function seedPhoenix(dataDir: string, count: number, sample = 2000): Dataset {
  const started = performance.now();
  const db = new Database(join(dataDir, 'phoenix.db'));
  try {
    bulkPragmas(db);
    const state = db.prepare('SELECT tree_size, root_hash FROM log_state WHERE id = 1').get() as
      { tree_size: number; root_hash: string } | undefined;
    if (!state || Number(state.tree_size) !== 0) {
      throw new Error(
        `seedPhoenix needs a migrated, empty log (log_state: ${JSON.stringify(state)})`,
      );
    }
    const insertMemory = db.prepare(
      `INSERT INTO memories (id, leaf_index, leaf_hash, kind, content_type, content, content_sha256,
         size_bytes, tags, importance, strength, pinned, created_at, reinforced_at, expires_at, fades_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertNode = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
    const updateState = db.prepare(
      'UPDATE log_state SET tree_size = ?, root_hash = ? WHERE id = 1',
    );
    let frontier: Frontier = { size: 0, nodes: new Map() };
    let rootHash = state.root_hash;
    const every = sampleEvery(count, sample);
    const sampleIds: string[] = [];
    // Recent creation times, one millisecond apart, so nothing is old enough to fade meanwhile.
    const t0 = Date.now() - count;
    const writeChunk = db.transaction((batch: PendingMemory[]) => {
      const plan = planAppend(frontier, batch);
      for (const m of plan.appended) {
        insertMemory.run(
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
      }
      for (const node of plan.nodes) {
        insertNode.run(node.level, node.index, node.hash.toString('hex'));
      }
      updateState.run(plan.frontier.size, plan.rootHash);
      frontier = plan.frontier;
      rootHash = plan.rootHash;
    });
    for (let start = 0; start < count; start += CHUNK) {
      const batch: PendingMemory[] = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i += 1) {
        const digest = contentSha256(seededContent(i));
        const createdAt = t0 + i;
        const strength = initialStrength(0.5);
        const id = randomUUID();
        if (i % every === 0 || i === count - 1) {
          sampleIds.push(id);
        }
        batch.push({
          id,
          kind: 'note',
          contentType: CONTENT_TYPE,
          canonical: digest.canonical,
          contentSha256: digest.sha256,
          sizeBytes: digest.sizeBytes,
          tags: [],
          importance: 0.5,
          strength,
          pinned: false,
          createdAt,
          expiresAt: null,
          fadesAt:
            fadesAt(
              { strength, reinforcedAt: createdAt, pinned: false },
              HALF_LIFE_MS,
              FORGET_BELOW,
            )?.getTime() ?? null,
        });
      }
      writeChunk(batch);
    }
    // The seeded leaves are notes, which the world model ignores: move its cursor past them as
    // its projection would, so the app does not replay 10^6 leaves in the background meanwhile.
    const hasProjection = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'world_projection'")
      .get();
    if (hasProjection) {
      db.prepare(
        "UPDATE world_projection SET applied_through = ?, updated_at = ? WHERE state = 'active'",
      ).run(count - 1, Date.now());
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { size: count, rootHash, sampleIds, buildMs: performance.now() - started };
  } finally {
    db.close();
  }
}

/** Inserts `count` rows with the same contents into a fresh bare-server database. */
export function seedBare(file: string, count: number, sample = 2000): Dataset {
  const started = performance.now();
  const db = openBareDb(file);
  try {
    bulkPragmas(db);
    const insert = db.prepare('INSERT INTO m (id, content) VALUES (?, ?)');
    const every = sampleEvery(count, sample);
    const sampleIds: string[] = [];
    const writeChunk = db.transaction((rows: Array<[string, string]>) => {
      for (const [id, content] of rows) {
        insert.run(id, content);
      }
    });
    for (let start = 0; start < count; start += CHUNK) {
      const rows: Array<[string, string]> = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i += 1) {
        const id = randomUUID();
        if (i % every === 0 || i === count - 1) {
          sampleIds.push(id);
        }
        rows.push([id, JSON.stringify(seededContent(i))]);
      }
      writeChunk(rows);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { size: count, rootHash: '', sampleIds, buildMs: performance.now() - started };
  } finally {
    db.close();
  }
}
