/**
 * Health probe benchmark: requests per second and latency of `/health/live` and
 * `/health/ready` beside a bare node:http server answering the same JSON and a plain Terminus
 * readiness check that pings the database on every request, all measured in one run; then 500
 * simultaneous connections to `/health/ready`. Servers are pinned to core 0, the load
 * generator to core 1 (taskset). Figures go to docs/performance.md, "Health probes".
 *
 * Besides requests per second of wall-clock time it prints requests per second of server CPU
 * time (from /proc/<pid>/stat): on a machine shared with other work the first swings with
 * whatever else runs on core 0, the second much less.
 *
 * It also reports the CPU each server uses while idle (BENCH_IDLE_SECONDS, before the load).
 *
 *   npm run bench:health            # BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=50
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './health/load';
import { build, median, pinned, runLoadProcess, startServer, stopServer } from './health/processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BURST = 500;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const BARE_PORT = 3190;
const APP_PORT = 3191;
const CLOCK_TICKS_PER_SECOND = 100;

interface Target {
  name: string;
  server: 'bare' | 'app' | 'appBare';
  path: string;
}

interface Measure extends LoadResult {
  /** Requests per second of the server's CPU time (user + system). */
  perCpuSecond: number;
}

const TARGETS: Target[] = [
  { name: 'bare node:http', server: 'bare', path: '/' },
  { name: 'node:http in the app', server: 'appBare', path: '/' },
  { name: '/health/live', server: 'app', path: '/health/live' },
  { name: '/health/ready', server: 'app', path: '/health/ready' },
  { name: '/health/ready via Nest', server: 'app', path: '/health/ready?verbose=0' },
  { name: 'plain Terminus (DB ping)', server: 'app', path: '/health/plain-terminus' },
];

async function main(): Promise<void> {
  build();
  const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-bench-health-'));
  const servers: ChildProcess[] = [];
  try {
    const bare = await startServer('bench/health/bare-server.ts', { PORT: String(BARE_PORT) });
    servers.push(bare);
    const app = await startServer('bench/health/app-server.ts', {
      PORT: String(APP_PORT),
      NODE_ENV: 'production',
      PHOENIX_DATA_DIR: dataDir,
    });
    servers.push(app);
    const processes = { bare, app, appBare: app };
    const ports = { bare: BARE_PORT, app: APP_PORT, appBare: APP_PORT + 1 };
    console.log(
      `health probes: ${ROUNDS} rounds × ${SECONDS} s per target, ${CONNECTIONS} connections, ` +
        (pinned ? 'servers on core 0, load on core 1' : 'UNPINNED (taskset not found)'),
    );
    await idleCpu({ bare, app });
    const rounds: Array<Record<string, Measure>> = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const results: Record<string, Measure> = {};
      for (const target of TARGETS) {
        const options = { port: ports[target.server], path: target.path, connections: CONNECTIONS };
        await runLoadProcess<LoadResult>({ ...options, durationMs: 1000 }); // warm-up
        const pid = processes[target.server].pid ?? 0;
        const cpuBefore = cpuTicks(pid);
        const result = await runLoadProcess<LoadResult>({ ...options, durationMs: SECONDS * 1000 });
        const cpuSeconds = (cpuTicks(pid) - cpuBefore) / CLOCK_TICKS_PER_SECOND;
        results[target.name] = {
          ...result,
          perCpuSecond: Math.round(result.requests / Math.max(cpuSeconds, 0.01)),
        };
      }
      rounds.push(results);
      console.log(
        `round ${round}: ` +
          TARGETS.map(
            (t) =>
              `${t.name} ${results[t.name].requestsPerSecond} (${results[t.name].perCpuSecond}/cpu-s)`,
          ).join(' | '),
      );
    }
    report(rounds);
    const burst = await runLoadProcess<{
      statuses: Record<string, number>;
      errors: number;
      p99Ms: number;
    }>({ port: APP_PORT, path: '/health/ready', burst: BURST });
    const non200 = Object.entries(burst.statuses)
      .filter(([status]) => status !== '200')
      .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `\n${BURST} simultaneous connections to /health/ready: ${burst.statuses['200'] ?? 0} × 200, ` +
        `${non200} other statuses, ${burst.errors} connection errors, p99 ${burst.p99Ms} ms`,
    );
  } finally {
    await Promise.all(servers.map(stopServer));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(rounds: Array<Record<string, Measure>>): void {
  console.log('\nmedian of rounds:');
  console.log('target                        req/s  req/cpu-s   p50 ms   p99 ms  non-200');
  for (const target of TARGETS) {
    const runs = rounds.map((round) => round[target.name]);
    const non200 = runs.reduce(
      (sum, run) =>
        sum + Object.entries(run.statuses).reduce((s, [k, v]) => (k === '200' ? s : s + v), 0),
      0,
    );
    const column = (values: number[], digits: number, width: number) =>
      median(values).toFixed(digits).padStart(width);
    console.log(
      `${target.name.padEnd(26)} ${column(
        runs.map((r) => r.requestsPerSecond),
        0,
        8,
      )} ${column(
        runs.map((r) => r.perCpuSecond),
        0,
        10,
      )} ${column(
        runs.map((r) => r.p50Ms),
        3,
        8,
      )} ${column(
        runs.map((r) => r.p99Ms),
        3,
        8,
      )} ${String(non200).padStart(8)}`,
    );
  }
  // Ratios within each round (the closest in time), then their median.
  const ratio = (a: string, b: string, key: 'requestsPerSecond' | 'perCpuSecond') =>
    median(rounds.map((round) => round[a][key] / round[b][key])).toFixed(2);
  const line = (label: string, a: string, b: string, aim: string) =>
    console.log(
      `  ${label.padEnd(40)} ${ratio(a, b, 'requestsPerSecond').padStart(6)} ` +
        `${ratio(a, b, 'perCpuSecond').padStart(10)}   ${aim}`,
    );
  console.log('\nratios (median of per-round ratios):        req/s  req/cpu-s');
  line('/health/live / bare node:http', '/health/live', 'bare node:http', 'aim ≥ 0.75');
  line('/health/ready / bare node:http', '/health/ready', 'bare node:http', 'aim ≥ 0.70');
  line('/health/ready / plain Terminus', '/health/ready', 'plain Terminus (DB ping)', 'aim ≥ 5');
  line('/health/ready via Nest / bare node:http', '/health/ready via Nest', 'bare node:http', '');
  line('node:http in the app / bare node:http', 'node:http in the app', 'bare node:http', '');
  line('/health/ready / node:http in the app', '/health/ready', 'node:http in the app', '');
}

/**
 * CPU each server uses while nobody calls it (its timers: the world projection's catch-up,
 * prom-client's event-loop monitor, the supervisor, the schedule), as % of one core.
 */
async function idleCpu(servers: Record<string, ChildProcess>): Promise<void> {
  const before = Object.fromEntries(
    Object.entries(servers).map(([name, child]) => [name, cpuTicks(child.pid ?? 0)]),
  );
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const figures = Object.entries(servers).map(([name, child]) => {
    const ticks = cpuTicks(child.pid ?? 0) - before[name];
    return `${name} ${((ticks / CLOCK_TICKS_PER_SECOND / IDLE_SECONDS) * 100).toFixed(2)}%`;
  });
  console.log(`idle CPU over ${IDLE_SECONDS} s (% of one core): ${figures.join(', ')}`);
}

/** User + system CPU time of a process so far, in clock ticks (Linux). */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
