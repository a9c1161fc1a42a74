/**
 * Conscience benchmark: what an evaluation (precedent read + axioms + log append) costs beside
 * a plain memory store of a similar body, in the same run, on the same server.
 *
 *   npm run bench:conscience
 *   BENCH_DURATION_S=10 BENCH_ROUNDS=5 npm run bench:conscience
 *
 * Starts the built app (dist/main.js) in a child process on 127.0.0.1, with the shipped
 * axioms.json and a fresh SQLite data directory (removed at the end), pinned to the last CPU
 * when `taskset` exists so that autocannon (this process) does not compete with it. For 1 and
 * 50 connections it warms both routes up, then alternates POST /api/v1/memories and
 * POST /api/v1/conscience/evaluations for BENCH_ROUNDS rounds (default 3) of BENCH_DURATION_S
 * seconds (default 5), each after one second on the same route, and prints req/s, p50, p99,
 * the server's CPU time per request (medians of the rounds) and the cost ratios (store req/s ÷
 * evaluation req/s; evaluation CPU ÷ store CPU). Figures, not pass/fail.
 */
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './lib/memory-bench-util';

const HOST = '127.0.0.1';
const ROOT = resolve(__dirname, '..');
const DURATION_S = Math.min(60, Math.max(1, Number(process.env.BENCH_DURATION_S ?? 5)));
const ROUNDS = Math.min(10, Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3)));
const WARMUP_S = 3;
const CONNECTIONS = [1, 50];
/** USER_HZ: /proc reports CPU times in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

/** A realistic request: personal data with consent, declared impact, some context. */
const EVALUATION = {
  action: {
    type: 'send-email',
    target: 'customer:12345',
    description: 'Send the monthly statement to the customer',
    personalData: true,
    reversible: false,
    impact: { harm: 0.05, benefit: 0.6, scope: 'individual' },
    channel: 'email',
  },
  context: {
    consent: true,
    purpose: 'statement',
    requestedBy: 'billing-agent',
    user: { email: 'customer@example.com', locale: 'en-GB' },
  },
};

interface Run {
  target: 'store' | 'evaluate';
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
  /** Server CPU time (user + system) per successful request, in ms. */
  cpuMs: number;
}

async function main(): Promise<void> {
  const evaluationBody = JSON.stringify(EVALUATION);
  const storeBody = similarStore(evaluationBody.length);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-bench-conscience-'));
  const server = startServer(port, dataDir);
  try {
    await waitUntilStarted(port, server);
    console.log(
      `Phoenix Kernel at http://${HOST}:${port} (${server.pinned ? `pinned to CPU ${server.cpu}` : 'not pinned'}), ` +
        `${ROUNDS} rounds of ${DURATION_S}s after ${WARMUP_S}s warm-up; bodies: evaluation ${evaluationBody.length} B, ` +
        `store ${storeBody.length} B`,
    );
    const runs: Run[] = [];
    for (const connections of CONNECTIONS) {
      const targets = [
        { target: 'store', path: '/api/v1/memories', body: storeBody },
        { target: 'evaluate', path: '/api/v1/conscience/evaluations', body: evaluationBody },
      ] as const;
      for (const t of targets) {
        await load(port, t.path, t.body, connections, WARMUP_S);
      }
      // Alternating rounds, so that noise from the machine falls on both alike.
      for (let round = 1; round <= ROUNDS; round += 1) {
        for (const t of targets) {
          runs.push(
            await measure(
              server.child.pid ?? 0,
              port,
              t.target,
              t.path,
              t.body,
              connections,
              round,
            ),
          );
        }
      }
    }
    report(runs);
  } finally {
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, sleep(10_000)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A memory store whose request body is about as large as the evaluation's. */
function similarStore(size: number): string {
  const body = { content: { text: '' }, kind: 'note', tags: ['customer:12345', 'statement'] };
  const base = JSON.stringify(body).length;
  body.content.text = 'x'.repeat(Math.max(0, size - base));
  return JSON.stringify(body);
}

function load(
  port: number,
  path: string,
  body: string,
  connections: number,
  durationS: number,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return run({
    url: `http://${HOST}:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    pipelining: 1,
    duration: durationS,
  });
}

async function measure(
  pid: number,
  port: number,
  target: Run['target'],
  path: string,
  body: string,
  connections: number,
  round: number,
): Promise<Run> {
  // A second of the same route first: switching routes costs V8 a re-optimisation, not the route.
  await load(port, path, body, connections, 1);
  const cpuBefore = cpuTimeMs(pid);
  const { result, latencies } = await load(port, path, body, connections, DURATION_S);
  const cpuUsed = cpuTimeMs(pid) - cpuBefore;
  const measured: Run = {
    target,
    connections,
    requestsPerSecond: result.requests.average,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    ok: result['2xx'],
    other: result.non2xx + result.errors + result.timeouts,
    cpuMs: cpuUsed / Math.max(1, result['2xx']),
  };
  console.log(
    `  round ${round} ${target.padEnd(8)} c=${String(connections).padEnd(3)} ` +
      `${measured.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${measured.p50} ms  ` +
      `p99 ${measured.p99} ms  cpu ${measured.cpuMs.toFixed(3)} ms/req  (${measured.ok} ok, ${measured.other} not)`,
  );
  return measured;
}

/** One bounded autocannon run, with every response time (autocannon's histogram rounds to 1 ms). */
function run(
  options: autocannon.Options,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((done, fail) => {
    const latencies: number[] = [];
    const instance = autocannon(options, (error, result) =>
      error
        ? fail(error instanceof Error ? error : new Error(String(error)))
        : done({ result, latencies }),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

/** Nearest-rank percentile, in ms to 0.01. */
function percentile(values: number[], q: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return Math.round(value * 100) / 100;
}

/** Per connection count: the median of the rounds for each figure, and the cost ratio. */
function report(runs: Run[]): void {
  console.log(
    `\nMedians of ${ROUNDS} rounds:\n` +
      '| connections | store req/s | evaluate req/s | store p50 / p99 (ms) | evaluate p50 / p99 (ms) | req/s ratio | store CPU ms/req | evaluate CPU ms/req | CPU ratio |\n' +
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const connections of CONNECTIONS) {
    const of = (target: Run['target']) => {
      const mine = runs.filter((r) => r.target === target && r.connections === connections);
      return {
        rps: median(mine.map((r) => r.requestsPerSecond)),
        p50: median(mine.map((r) => r.p50)),
        p99: median(mine.map((r) => r.p99)),
        cpu: median(mine.map((r) => r.cpuMs)),
      };
    };
    const store = of('store');
    const evaluate = of('evaluate');
    console.log(
      `| ${connections} | ${store.rps.toFixed(0)} | ${evaluate.rps.toFixed(0)} | ` +
        `${store.p50} / ${store.p99} | ${evaluate.p50} / ${evaluate.p99} | ` +
        `${(store.rps / evaluate.rps).toFixed(2)}× | ${store.cpu.toFixed(3)} | ${evaluate.cpu.toFixed(3)} | ` +
        `${(evaluate.cpu / store.cpu).toFixed(2)}× |`,
    );
  }
  const failed = runs.filter((r) => r.other > 0);
  if (failed.length > 0) {
    console.log(
      `\nWarning: non-2xx responses or errors in ${failed.map((r) => `${r.target}@${r.connections}`).join(', ')}`,
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Server {
  child: ChildProcess;
  exited: Promise<number | null>;
  pinned: boolean;
  cpu: number;
  output(): string;
}

function startServer(port: number, dataDir: string): Server {
  const cpu = cpus().length - 1;
  const pinned = cpu > 0 && hasTaskset();
  const node = [process.execPath, join(ROOT, 'dist/main.js')];
  const child = spawn(
    pinned ? 'taskset' : node[0],
    pinned ? ['-c', String(cpu), ...node] : node.slice(1),
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST,
        PORT: String(port),
        PHOENIX_DATA_DIR: dataDir,
        DB_TYPE: 'sqlite',
        PHOENIX_AXIOMS_PATH: join(ROOT, 'axioms.json'),
        PHOENIX_MAINTENANCE_COMPACTION_ENABLED: 'false',
        PHOENIX_MAINTENANCE_CLEANUP_ENABLED: 'false',
        PHOENIX_MAINTENANCE_INTEGRITY_ENABLED: 'false',
        PHOENIX_MAINTENANCE_BACKUP_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, pinned, cpu, output: () => output };
}

async function waitUntilStarted(port: number, server: Server): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`http://${HOST}:${port}/health/startup`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the server did not start:\n${server.output()}`);
}

/** User + system CPU time of a process so far, from /proc (0 where there is no /proc). */
function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
