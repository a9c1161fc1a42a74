/**
 * Where the store path's SQLite time goes: the app's own append transaction (SqliteLogWriter,
 * on a database migrated by the project's migrations) timed in-process, without HTTP, beside
 * the bare server's one-row INSERT, at several batch sizes and with the memories table's
 * secondary indexes dropped. Also times planAppend alone (hashing, no database).
 *
 *   node -r ts-node/register/transpile-only bench/memory-append.ts [--count=N]
 *
 * Run by `npm run bench:memory -- --profile` as well. Prints µs per stored memory.
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, sqlitePath } from '../src/database/data-source-options';
import { CONTENT_TYPE, contentSha256 } from '../src/modules/memory/leaf';
import { Frontier, PendingMemory, planAppend } from '../src/modules/memory/log/append-plan';
import { SqliteLogWriter } from '../src/modules/memory/log/sqlite-log-writer';
import { openBareDb } from './lib/memory-bare-server';
import { makeContent, markdownTable } from './lib/memory-bench-util';

const SECONDARY = [
  'idx_memories_kind_leaf',
  'idx_memories_fades_at',
  'idx_memories_expires_at',
  'idx_memories_created_at',
];

export interface AppendFigure {
  label: string;
  batch: number;
  usPerMemory: number;
  /** CPU time of this process per memory; wall minus CPU is waiting, mostly checkpoint fsyncs. */
  cpuUsPerMemory: number;
  /** Bytes this process wrote per memory (WAL frames and checkpoints), from /proc; NaN elsewhere. */
  kibWrittenPerMemory: number;
}

interface Timing {
  wall: number;
  cpu: number;
  kib: number;
}

/** Bytes written through write(2) and friends by this process so far (Linux), else NaN. */
function bytesWritten(): number {
  if (!existsSync('/proc/self/io')) {
    return NaN;
  }
  const match = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/** Starts a clock; the returned function gives wall and CPU µs and KiB written per item since then. */
function stopwatch(): (items: number) => Timing {
  const t = performance.now();
  const c = process.cpuUsage();
  const w = bytesWritten();
  return (items) => {
    const used = process.cpuUsage(c);
    return {
      wall: ((performance.now() - t) * 1000) / items,
      cpu: (used.user + used.system) / items,
      kib: (bytesWritten() - w) / 1024 / items,
    };
  };
}

function pending(canonical: string, sha: string, size: number): PendingMemory {
  const now = Date.now();
  return {
    id: randomUUID(),
    kind: 'note',
    contentType: CONTENT_TYPE,
    canonical,
    contentSha256: sha,
    sizeBytes: size,
    tags: [],
    importance: 0.5,
    strength: 0.5,
    pinned: false,
    createdAt: now,
    expiresAt: null,
    fadesAt: now + 30 * 86_400_000,
  };
}

async function migratedDb(dir: string): Promise<void> {
  const dataSource = new DataSource(
    buildDataSourceOptions({
      dataDir: dir,
      db: { type: 'sqlite', poolSize: 1 },
    }),
  );
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
}

/** Opens the app's database with the app's pragmas (WAL, synchronous=NORMAL). */
function openApp(dir: string): Database.Database {
  const db = new Database(sqlitePath({ dataDir: dir }));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Best of `reps` runs: the least disturbed by anything else on the machine. */
async function best(
  reps: number,
  run: () => Promise<Timing> | Timing,
): Promise<{ usPerMemory: number; cpuUsPerMemory: number; kibWrittenPerMemory: number }> {
  let min: Timing = { wall: Infinity, cpu: Infinity, kib: NaN };
  for (let i = 0; i < reps; i += 1) {
    const t = await run();
    min = t.wall < min.wall ? t : min;
  }
  return { usPerMemory: min.wall, cpuUsPerMemory: min.cpu, kibWrittenPerMemory: min.kib };
}

export async function appendFigures(count = 10_000, reps = 3): Promise<AppendFigure[]> {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-bench-append-'));
  const digest = contentSha256(makeContent(1024));
  const make = () => pending(digest.canonical, digest.sha256, digest.sizeBytes);
  const out: AppendFigure[] = [];
  try {
    // planAppend alone: the leaf and node hashing per memory, no database.
    out.push({
      label: 'planAppend only (hashing)',
      batch: 16,
      ...(await best(reps, () => {
        let frontier: Frontier = { size: 0, nodes: new Map() };
        const batch = Array.from({ length: 16 }, make);
        const done = stopwatch();
        for (let i = 0; i < count; i += 16) {
          frontier = planAppend(frontier, batch).frontier;
        }
        return done(count);
      })),
    });
    for (const variant of ['app schema', 'without 4 secondary indexes'] as const) {
      for (const batchSize of [1, 4, 16, 64]) {
        let rep = 0;
        const timing = await best(reps, async () => {
          rep += 1;
          const dir = join(root, `${variant.length}-${batchSize}-${rep}`);
          await migratedDb(dir);
          const db = openApp(dir);
          if (variant !== 'app schema') {
            SECONDARY.forEach((name) => db.exec(`DROP INDEX IF EXISTS "${name}"`));
          }
          const writer = new SqliteLogWriter(db);
          const batches = Array.from({ length: Math.ceil(count / batchSize) }, () =>
            Array.from({ length: batchSize }, make),
          );
          const done = stopwatch();
          for (const batch of batches) {
            await writer.append(batch);
          }
          const result = done(batches.length * batchSize);
          db.close();
          return result;
        });
        out.push({
          label: `SqliteLogWriter.append, ${variant}`,
          batch: batchSize,
          ...timing,
        });
      }
    }
    for (const batchSize of [1, 16]) {
      let rep = 0;
      const timing = await best(reps, () => {
        rep += 1;
        const db = openBareDb(join(root, `bare-${batchSize}-${rep}.db`));
        const insert = db.prepare('INSERT INTO m (id, content) VALUES (?, ?)');
        const tx = db.transaction((ids: string[]) => {
          for (const id of ids) {
            insert.run(id, digest.canonical);
          }
        });
        const batches = Array.from({ length: Math.ceil(count / batchSize) }, () =>
          Array.from({ length: batchSize }, () => randomUUID()),
        );
        const done = stopwatch();
        for (const ids of batches) {
          tx.immediate(ids);
        }
        const result = done(batches.length * batchSize);
        db.close();
        return result;
      });
      out.push({ label: 'bare INSERT (id, content)', batch: batchSize, ...timing });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

export function appendTable(figures: AppendFigure[]): string {
  return markdownTable(
    [
      'Append of a 1 KB memory (in-process, no HTTP)',
      'Batch',
      'Wall µs per memory (best of 3)',
      'CPU µs per memory',
      'KiB written per memory',
    ],
    figures.map((f) => [
      f.label,
      String(f.batch),
      f.usPerMemory.toFixed(1),
      f.cpuUsPerMemory.toFixed(1),
      Number.isNaN(f.kibWrittenPerMemory) ? '–' : f.kibWrittenPerMemory.toFixed(1),
    ]),
  );
}

if (require.main === module) {
  const arg = process.argv.find((a) => a.startsWith('--count='));
  void appendFigures(arg ? Number(arg.split('=')[1]) : undefined).then((figures) => {
    process.stdout.write(`${appendTable(figures)}\n`);
  });
}
