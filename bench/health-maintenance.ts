/**
 * Does heavy maintenance hold the event loop? With a SQLite database of BENCH_DB_MB (default
 * 1024 MiB, half of it free pages), each of the integrity, backup and compaction jobs runs
 * through the admin API while a closed loop of 10 connections asks for `/health/live`; the
 * probe's latency during the run is what the job costs everyone else. Server on core 0, load
 * on core 1. Figures go to docs/performance.md, "Health probes".
 *
 *   npm run bench:health:maintenance          # BENCH_DB_MB=1024
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './health/load';
import { build, pinned, runLoadProcess, startServer, stopServer } from './health/processes';

const DB_MB = Number(process.env.BENCH_DB_MB ?? 1024);
const PORT = 3194;
const TOKEN = 'bench-maintenance-token-0123456789';
const JOBS = ['integrity', 'backup', 'compaction'] as const;

async function main(): Promise<void> {
  build();
  const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-bench-maintenance-'));
  const env = {
    PORT: String(PORT),
    NODE_ENV: 'production',
    PHOENIX_DATA_DIR: dataDir,
    PHOENIX_ADMIN_TOKEN: TOKEN,
    PHOENIX_MAINTENANCE_TIMEOUT_MS: String(60 * 60_000),
    ...Object.fromEntries(
      ['COMPACTION', 'CLEANUP', 'INTEGRITY', 'BACKUP'].map((job) => [
        `PHOENIX_MAINTENANCE_${job}_ENABLED`,
        'false',
      ]),
    ),
  };
  try {
    // First start: migrations and the signing key; then the filler, written with the app stopped.
    await stopServer(await startServer('bench/health/app-server.ts', env));
    const path = join(dataDir, 'phoenix.db');
    fill(path, DB_MB);
    console.log(
      `maintenance vs /health/live: ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB SQLite ` +
        `file, half free pages; 10 connections; ` +
        (pinned ? 'server on core 0, load on core 1' : 'UNPINNED (taskset not found)'),
    );
    const server = await startServer('bench/health/app-server.ts', env);
    try {
      const rows: Array<[string, string, LoadResult, LoopDelay]> = [];
      const idle = await runLoadProcess<LoadResult>({
        port: PORT,
        path: '/health/live',
        connections: 10,
        durationMs: 5000,
      });
      await loopDelay(); // prom-client's monitor restarts at each scrape
      rows.push(['(no job)', '-', idle, await loopDelay()]);
      for (const job of JOBS) {
        let finished!: (run: { durationMs: number; outcome: string; detail?: string }) => void;
        const done = new Promise<{ durationMs: number; outcome: string; detail?: string }>(
          (resolve) => (finished = resolve),
        );
        const load = runLoadProcess<LoadResult>(
          { port: PORT, path: '/health/live', connections: 10, durationMs: 3_600_000 },
          done,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        await loopDelay();
        const run = await runJob(job);
        const delay = await loopDelay();
        finished(run);
        rows.push([
          job,
          `${run.durationMs} ms, ${run.outcome}: ${run.detail ?? ''}`,
          await load,
          delay,
        ]);
      }
      console.log(
        '\njob          /health/live p50      p99      max    req/s | event loop delay p99    max | job',
      );
      for (const [job, about, live, delay] of rows) {
        console.log(
          `${job.padEnd(12)} ${ms(live.p50Ms)} ${ms(live.p99Ms)} ${ms(live.maxMs)} ` +
            `${String(live.requestsPerSecond).padStart(8)} |              ${ms(delay.p99Ms)} ${ms(delay.maxMs)} | ${about}`,
        );
      }
      console.log('\naim: p99 under 50 ms during every job');
    } finally {
      await stopServer(server);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Grows the database to `mb` MiB of 4 KB blobs, then deletes every other one. */
function fill(path: string, mb: number): void {
  const db = new BetterSqlite3(path);
  try {
    db.exec('CREATE TABLE IF NOT EXISTS bench_filler (id INTEGER PRIMARY KEY, b BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO bench_filler (b) VALUES (randomblob(4000))');
    const batch = db.transaction((n: number) => {
      for (let i = 0; i < n; i += 1) {
        insert.run();
      }
    });
    const rows = Math.ceil((mb * 2 ** 20) / 4096);
    for (let done = 0; done < rows; done += 10_000) {
      batch(Math.min(10_000, rows - done));
    }
    db.exec('DELETE FROM bench_filler WHERE id % 2 = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

function ms(value: number): string {
  return `${value.toFixed(2).padStart(8)}`;
}

/** The server's own event-loop delay since the previous scrape (prom-client's monitor). */
async function loopDelay(): Promise<LoopDelay> {
  const text = await httpText('GET', '/metrics');
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return {
    p99Ms: value('nodejs_eventloop_lag_p99_seconds'),
    maxMs: value('nodejs_eventloop_lag_max_seconds'),
  };
}

function httpText(method: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        method,
        path,
        headers: { authorization: `Bearer ${TOKEN}` },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(body)
            : reject(new Error(`${method} ${path}: ${res.statusCode} ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function runJob(
  job: string,
): Promise<{ durationMs: number; outcome: string; detail?: string }> {
  const body = await httpText('POST', `/api/v1/admin/maintenance/jobs/${job}/run`);
  return JSON.parse(body) as { durationMs: number; outcome: string; detail?: string };
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
