/**
 * Kernel benchmark: restart and recovery times of the built server (dist/main.js) in a child
 * process on 127.0.0.1 (see docs/performance.md, "Kernel"). Prints figures; asserts nothing, but
 * names every acknowledged write that does not recall and every unexpected answer.
 *
 *   npm run bench:kernel
 *   npm run bench:kernel -- --postgres=postgres://postgres@127.0.0.1:5432/test   # or PHOENIX_TEST_POSTGRES_URL
 *   npm run bench:kernel -- --reps=10 --rounds=5 --only=crash,operator --no-pin --json=out.json
 *
 * Per database (SQLite; PostgreSQL in a fresh schema when a URL is given), on one fresh data
 * directory, with the admin API and fault injection on and the maintenance jobs off:
 *
 * 1. crash: a `crash` fault hits one request to a component; the fault is cleared and the same
 *    route is asked every ~1 ms until it answers 200 (`--reps` times per component, the restart
 *    window reset in between, so each restart is the first: 100 ms backoff). Also the supervisor's
 *    own record (`since` of failed and of running), and once per component the whole backoff
 *    ladder: five crashes in a row, then the sixth, past the intensity limit.
 * 2. operator: `POST /api/v1/admin/components/:name/restart`, request to answer and to the first
 *    200 from the component.
 * 3. isolation: `--rate` requests/s (open loop) to each of four routes while nothing, memory,
 *    conscience or the world model is stopped, `--rounds` interleaved rounds of `--phase` s each.
 * 4. kill: `--connections` writers (stores, one in five an observation) for about `--load-ms`,
 *    then kill -9 and a new process on the same data: spawn → live, ready, first store, world
 *    lag 0; then every acknowledged write must recall (and the log verify). `--rounds` times.
 * 5. sigterm: the same load, then SIGTERM: time to exit, and the answers of the requests in flight.
 *    The next start is timed too: a start after a clean exit is the baseline of case 4.
 *
 * With taskset and 2+ CPUs, the server runs on CPU 0 and this process on CPU 1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { fmt, markdownTable } from './lib/memory-bench-util';
import {
  call,
  canPin,
  freePort,
  json,
  percentile,
  pinSelf,
  poll,
  Server,
  startServer,
  stopServer,
  Reply,
  withPg,
} from './world-util';

const ROOT = resolve(__dirname, '..');
const TOKEN = 'bench-kernel-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const COMPONENTS = ['memory', 'conscience', 'world-model'] as const;
type Component = (typeof COMPONENTS)[number];
/** The supervisor's delays (src/kernel/backoff.ts): 100 ms, doubling, within one window. */
const LADDER_MS = [100, 200, 400, 800, 1600];
/** The route asked to see whether a component serves. */
const PROBE: Record<Component, string> = {
  memory: '/api/v1/log/head',
  conscience: '/api/v1/conscience/axioms',
  'world-model': '/api/v1/world/coherence',
};
const CASES = ['crash', 'operator', 'isolation', 'kill', 'sigterm'] as const;
type Case = (typeof CASES)[number];
const EVALUATION = {
  action: {
    type: 'send-email',
    target: 'customer:12345',
    description: 'Send the monthly statement to the customer',
    personalData: true,
    reversible: false,
    impact: { harm: 0.05, benefit: 0.6, scope: 'individual' },
  },
  context: { consent: true, purpose: 'statement' },
};

interface Options {
  pin: boolean;
  reps: number;
  rounds: number;
  phaseS: number;
  /** Requests per second offered to each route in the isolation case. */
  rate: number;
  loadMs: number;
  connections: number;
  only: ReadonlySet<Case>;
  postgres?: string;
  json?: string;
}

interface Db {
  kind: 'sqlite' | 'postgres';
  dataDir: string;
  url?: string;
  schema?: string;
}

interface Status {
  name: Component;
  state: string;
  since: string;
  restarts: number;
  reason: string | null;
}

interface Stats {
  n: number;
  median: number;
  p95: number;
  max: number;
}

interface BootTimes {
  live: number;
  ready: number;
  store: number;
  caughtUp: number;
  /** The world model's lag at its first answer: what it had to catch up. */
  initialLag: number;
}

interface Phoenix {
  server: Server;
  port: number;
  db: Db;
  pinned: boolean;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    return arg?.slice(name.length + 3);
  };
  const only = value('only')?.split(',') ?? [...CASES];
  for (const c of only) {
    if (!(CASES as readonly string[]).includes(c)) {
      throw new Error(`--only: unknown case ${c} (cases: ${CASES.join(', ')})`);
    }
  }
  return {
    pin: !argv.includes('--no-pin'),
    reps: Number(value('reps') ?? 10),
    rounds: Number(value('rounds') ?? 5),
    phaseS: Number(value('phase') ?? 2),
    rate: Number(value('rate') ?? 25),
    loadMs: Number(value('load-ms') ?? 1500),
    connections: Number(value('connections') ?? 50),
    only: new Set(only as Case[]),
    postgres: value('postgres') ?? process.env.PHOENIX_TEST_POSTGRES_URL,
    json: value('json'),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const pinned = options.pin && canPin();
  if (pinned) {
    pinSelf(1);
  }
  console.log(
    `# Kernel benchmark, ${new Date().toISOString()}: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `node ${process.version}, ${pinned ? 'server on CPU 0, benchmark on CPU 1' : 'no CPU pinning'}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const results = [await benchDatabase('sqlite', options, pinned)];
  if (options.postgres) {
    results.push(await benchDatabase('postgres', options, pinned));
  }
  const out = JSON.stringify({ at: new Date().toISOString(), node: process.version, results });
  if (options.json) {
    writeFileSync(options.json, out);
  }
  console.log(out);
}

async function benchDatabase(
  kind: Db['kind'],
  options: Options,
  pinned: boolean,
): Promise<Record<string, unknown>> {
  const db: Db = { kind, dataDir: mkdtempSync(join(tmpdir(), 'phoenix-bench-kernel-')) };
  const url = options.postgres;
  if (kind === 'postgres' && url) {
    db.url = url;
    db.schema = `bench_kernel_${randomBytes(4).toString('hex')}`;
    await withPg(url, (c) => c.query(`CREATE SCHEMA ${db.schema}`));
  }
  const port = await freePort();
  console.log(`\n## ${kind}`);
  const result: Record<string, unknown> = {};
  const boots: Array<{ after: string; times: BootTimes }> = [];
  let phoenix: Phoenix | undefined;
  try {
    const first = await boot(db, port, pinned);
    phoenix = first.phoenix;
    boots.push({ after: 'nothing (empty data)', times: first.times });
    if (options.only.has('crash')) {
      result.crash = await crashRestarts(phoenix, options.reps);
      result.ladder = await backoffLadder(phoenix);
    }
    if (options.only.has('operator')) {
      result.operator = await operatorRestarts(phoenix, options.reps);
    }
    if (options.only.has('isolation')) {
      result.isolation = await isolation(phoenix, options);
    }
    if (options.only.has('kill')) {
      const kill = await totalFailure(phoenix, options, boots);
      phoenix = kill.phoenix;
      result.kill = kill.rounds;
    }
    if (options.only.has('sigterm')) {
      const term = await gracefulStop(phoenix, options, boots);
      phoenix = term.phoenix;
      result.sigterm = term.rounds;
    }
    result.boots = printBoots(boots);
    console.log(
      `\nload average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    return { db: kind, ...result };
  } finally {
    if (phoenix) {
      await stopServer(phoenix.server);
    }
    rmSync(db.dataDir, { recursive: true, force: true });
    if (db.schema && url) {
      await withPg(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${db.schema} CASCADE`));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The server

function serverEnv(db: Db, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    PHOENIX_DATA_DIR: db.dataDir,
    PHOENIX_ADMIN_TOKEN: TOKEN,
    PHOENIX_CHAOS_ENABLED: 'true',
    ...(db.kind === 'postgres'
      ? { DB_TYPE: 'postgres', DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema }
      : {}),
    ...Object.fromEntries(
      ['COMPACTION', 'CLEANUP', 'INTEGRITY', 'BACKUP'].map((job) => [
        `PHOENIX_MAINTENANCE_${job}_ENABLED`,
        'false',
      ]),
    ),
  };
}

/**
 * Spawns the server and times, from the spawn, its first 200 from /health/live, then from
 * /health/ready, then the first stored memory (201), then the world model's lag 0; each asked
 * every ~1 ms.
 */
async function boot(
  db: Db,
  port: number,
  pinned: boolean,
): Promise<{ phoenix: Phoenix; times: BootTimes }> {
  const spawnedAt = performance.now();
  const server = startServer({
    port,
    cwd: ROOT,
    cpu: pinned ? 0 : undefined,
    env: serverEnv(db, port),
  });
  const until = async (what: string, probe: () => Promise<boolean>): Promise<number> => {
    await poll(
      async () => {
        if (server.child.exitCode !== null || server.child.signalCode !== null) {
          throw new Error(`the server exited before ${what}:\n${server.output()}`);
        }
        try {
          return (await probe()) ? true : undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      1,
      120_000,
      what,
    );
    return performance.now() - spawnedAt;
  };
  const ok = async (path: string) => (await call(port, 'GET', path)).status === 200;
  const live = await until('/health/live', () => ok('/health/live'));
  const ready = await until('/health/ready', () => ok('/health/ready'));
  const store = await until(
    'first store',
    async () =>
      (await call(port, 'POST', '/api/v1/memories', { content: { bench: 'kernel', boot: true } }))
        .status === 201,
  );
  let initialLag = NaN;
  const caughtUp = await until('world lag 0', async () => {
    const res = await call(port, 'GET', '/api/v1/world/coherence');
    if (res.status !== 200) {
      return false;
    }
    const { lag } = JSON.parse(res.body) as { lag: number };
    initialLag = Number.isNaN(initialLag) ? lag : initialLag;
    return lag === 0;
  });
  return {
    phoenix: { server, port, db, pinned },
    times: { live, ready, store, caughtUp, initialLag },
  };
}

function statusOf(port: number, name: Component): Promise<Status> {
  return json<{ components: Status[] }>(call(port, 'GET', '/api/v1/kernel/components'), 200).then(
    ({ components }) => {
      const status = components.find((c) => c.name === name);
      if (!status) {
        throw new Error(`component ${name} is not registered`);
      }
      return status;
    },
  );
}

function operator(port: number, name: Component, action: 'start' | 'stop' | 'restart') {
  return json<Status>(
    call(port, 'POST', `/api/v1/admin/components/${name}/${action}`, undefined, AUTH),
    200,
  );
}

/** Until the component's route answers 200, asked every ~1 ms; the time of that answer. */
function servedAgain(port: number, name: Component, timeoutMs: number): Promise<number> {
  return poll(
    async () => {
      const res = await call(port, 'GET', PROBE[name]);
      return res.status === 200 ? performance.now() : undefined;
    },
    1,
    timeoutMs,
    `${name} serving again`,
  );
}

/** The server's log lines (LOG_LEVEL=warn) about `name` failing or being scheduled to restart. */
function failures(server: Server, name: Component): string {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes(`"component":"${name}"`) && /"level":(40|50)/.test(line))
    .slice(-6)
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { time: string; msg: string; err?: { message?: string } };
        return `    ${entry.time} ${entry.msg}${entry.err?.message ? ` [${entry.err.message}]` : ''}`;
      } catch {
        return `    ${line.slice(0, 300)}`;
      }
    })
    .join('\n');
}

function stats(values: readonly number[]): Stats {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
  };
}

const cells = (s: Stats, digits = 1) => [
  fmt(s.median, digits),
  fmt(s.p95, digits),
  fmt(s.max, digits),
];

// ---------------------------------------------------------------------------------------------
// 1. Supervised restart after a crash

interface Crash {
  /** The crashing request's answer → the first 200 from the component again (client's view). */
  downMs: number;
  /** failed.since → running.since, as the supervisor recorded them (ms resolution). */
  recordedMs: number;
  /** The crashing request's answer → the fault cleared (must stay well under the backoff). */
  clearedMs: number;
  restarts: number;
}

/** A crash fault on every request to `name` (until cleared); its id. */
async function injectCrash(port: number, name: Component): Promise<string> {
  const fault = await json<{ id: string }>(
    call(
      port,
      'POST',
      '/api/v1/admin/chaos/faults',
      { component: name, type: 'crash', probability: 1, durationMs: 60_000 },
      AUTH,
    ),
    201,
  );
  return fault.id;
}

function clearFault(port: number, id: string): Promise<Reply> {
  return call(port, 'DELETE', `/api/v1/admin/chaos/faults/${id}`, undefined, AUTH);
}

async function crashOnce(phoenix: Phoenix, name: Component, timeoutMs: number): Promise<Crash> {
  const { port } = phoenix;
  const before = await statusOf(port, name);
  const faultId = await injectCrash(port, name);
  const crash = await call(port, 'GET', PROBE[name]);
  const crashedAt = performance.now();
  // The fault must go before the restart, or the restarted component would crash again on its
  // first request.
  const cleared = await clearFault(port, faultId);
  const clearedMs = performance.now() - crashedAt;
  if (crash.status !== 503 || cleared.status !== 204) {
    throw new Error(`crash of ${name}: answered ${crash.status}, fault cleared ${cleared.status}`);
  }
  const failed = await statusOf(port, name);
  const upAt = await servedAgain(port, name, timeoutMs);
  const after = await statusOf(port, name);
  if (after.restarts - before.restarts !== 1) {
    console.log(
      `! ${name}: ${after.restarts - before.restarts} restarts for one crash; the server's last failures:\n` +
        failures(phoenix.server, name),
    );
  }
  return {
    downMs: upAt - crashedAt,
    recordedMs:
      failed.state === 'failed' && after.state === 'running'
        ? Date.parse(after.since) - Date.parse(failed.since)
        : NaN,
    clearedMs,
    restarts: after.restarts - before.restarts,
  };
}

async function crashRestarts(phoenix: Phoenix, reps: number) {
  const rows: Array<{ component: Component; client: Stats; recorded: Stats; cleared: Stats }> = [];
  for (const name of COMPONENTS) {
    const runs: Crash[] = [];
    for (let i = 0; i < reps; i += 1) {
      // An operator start of a running component only resets its restart window: every crash
      // here is the first in its window, so its backoff is the first one, 100 ms.
      await operator(phoenix.port, name, 'start');
      runs.push(await crashOnce(phoenix, name, 10_000));
    }
    rows.push({
      component: name,
      client: stats(runs.map((r) => r.downMs)),
      recorded: stats(runs.map((r) => r.recordedMs)),
      cleared: stats(runs.map((r) => r.clearedMs)),
    });
  }
  console.log(
    `\n### 1. Supervised restart after a crash fault (${reps} per component; first backoff ${LADDER_MS[0]} ms)\n`,
  );
  console.log(
    markdownTable(
      [
        'Component',
        'Crash → 200 median',
        'p95',
        'max (ms)',
        '× backoff',
        'Supervisor failed → running median',
        'p95',
        'max (ms)',
      ],
      rows.map((r) => [
        r.component,
        ...cells(r.client),
        `${fmt(r.client.median / LADDER_MS[0], 2)}×`,
        ...cells(r.recorded, 0),
      ]),
    ),
  );
  const cleared = Math.max(...rows.map((r) => r.cleared.max));
  console.log(
    `\n(each fault was cleared at most ${fmt(cleared, 1)} ms after its crash, before the restart)`,
  );
  return rows;
}

/** Five crashes in a row (100 … 1600 ms), then a sixth past the intensity limit (5 in 60 s). */
async function backoffLadder(phoenix: Phoenix) {
  const { port } = phoenix;
  const rows: Array<{ component: Component; downMs: number[]; gaveUp: string; startMs: number }> =
    [];
  for (const name of COMPONENTS) {
    await operator(port, name, 'start');
    const downMs: number[] = [];
    for (const delay of LADDER_MS) {
      downMs.push((await crashOnce(phoenix, name, delay + 10_000)).downMs);
    }
    const faultId = await injectCrash(port, name);
    await call(port, 'GET', PROBE[name]);
    await clearFault(port, faultId);
    await sleep(1000);
    const after = await statusOf(port, name);
    const started = performance.now();
    const status = await operator(port, name, 'start');
    rows.push({
      component: name,
      downMs,
      gaveUp: `${after.state} 1 s later: ${after.reason ?? ''}`,
      startMs: status.state === 'running' ? performance.now() - started : NaN,
    });
  }
  console.log('\n### 1b. Backoff ladder: five crashes in a row (crash → 200, ms)\n');
  console.log(
    markdownTable(
      ['Component', ...LADDER_MS.map((d, i) => `#${i + 1} (${d} ms)`), 'Operator start (ms)'],
      rows.map((r) => [r.component, ...r.downMs.map((v) => fmt(v, 1)), fmt(r.startMs, 1)]),
    ),
  );
  for (const r of rows) {
    console.log(`- sixth crash of ${r.component}: ${r.gaveUp}`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. Operator restart

async function operatorRestarts(phoenix: Phoenix, reps: number) {
  const rows: Array<{ component: Component; answer: Stats; served: Stats }> = [];
  for (const name of COMPONENTS) {
    const answer: number[] = [];
    const served: number[] = [];
    for (let i = 0; i < reps; i += 1) {
      const started = performance.now();
      const status = await operator(phoenix.port, name, 'restart');
      const answeredAt = performance.now();
      if (status.state !== 'running') {
        console.log(`! operator restart of ${name} answered ${status.state}: ${status.reason}`);
      }
      const servedAt = await servedAgain(phoenix.port, name, 10_000);
      answer.push(answeredAt - started);
      served.push(servedAt - started);
    }
    rows.push({ component: name, answer: stats(answer), served: stats(served) });
  }
  console.log(`\n### 2. Operator restart, POST …/restart (${reps} per component)\n`);
  console.log(
    markdownTable(
      [
        'Component',
        'Request → answer median',
        'p95',
        'max (ms)',
        'Request → 200 median',
        'p95',
        'max (ms)',
      ],
      rows.map((r) => [r.component, ...cells(r.answer, 2), ...cells(r.served, 2)]),
    ),
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 3. Isolation

interface Route {
  label: string;
  component: Component;
  /** Components it calls and cannot answer without (a 503 is then the right answer). */
  needs: Component[];
  method: 'GET' | 'POST';
  path: string;
  body?: () => unknown;
}

let stored = 0;
const ROUTES: Route[] = [
  {
    label: 'memory: store',
    component: 'memory',
    needs: [],
    method: 'POST',
    path: '/api/v1/memories',
    body: () => ({ content: { bench: 'kernel', n: (stored += 1) }, kind: 'note' }),
  },
  {
    label: 'conscience: evaluate',
    component: 'conscience',
    needs: ['memory'],
    method: 'POST',
    path: '/api/v1/conscience/evaluations',
    body: () => EVALUATION,
  },
  {
    label: 'conscience: axioms',
    component: 'conscience',
    needs: [],
    method: 'GET',
    path: '/api/v1/conscience/axioms',
  },
  {
    label: 'world-model: entities',
    component: 'world-model',
    needs: [],
    method: 'GET',
    path: '/api/v1/world/entities?limit=10',
  },
];
type Condition = 'none' | Component;

interface Tally {
  latencies: number[];
  statuses: Record<number, number>;
}

/**
 * Open loop: `rate` requests per second for `phaseMs`, each sent on its schedule whether or not
 * the previous ones were answered, so a slow or down component changes no other route's load.
 */
async function offer(
  port: number,
  route: Route,
  rate: number,
  phaseMs: number,
  offsetMs: number,
  into: Tally,
): Promise<void> {
  const start = performance.now() + offsetMs;
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < Math.round((rate * phaseMs) / 1000); i += 1) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    pending.push(
      (async () => {
        const sent = performance.now();
        const res = await call(port, route.method, route.path, route.body?.());
        into.latencies.push(performance.now() - sent);
        into.statuses[res.status] = (into.statuses[res.status] ?? 0) + 1;
      })(),
    );
  }
  await Promise.all(pending);
}

async function isolation(phoenix: Phoenix, options: Options) {
  const { port } = phoenix;
  const conditions: Condition[] = ['none', ...COMPONENTS];
  const tallies = new Map<string, Tally>();
  const tally = (c: Condition, r: Route) => {
    const key = `${c}|${r.label}`;
    let t = tallies.get(key);
    if (!t) {
      t = { latencies: [], statuses: {} };
      tallies.set(key, t);
    }
    return t;
  };
  for (let round = 0; round < options.rounds; round += 1) {
    // Rotated, so no condition always follows the same one.
    const order = conditions.map((_, i) => conditions[(i + round) % conditions.length]);
    for (const condition of order) {
      if (condition !== 'none') {
        await operator(port, condition, 'stop');
      }
      await Promise.all(
        ROUTES.map((route, i) =>
          offer(
            port,
            route,
            options.rate,
            options.phaseS * 1000,
            (i * 1000) / options.rate / ROUTES.length,
            tally(condition, route),
          ),
        ),
      );
      if (condition !== 'none') {
        await operator(port, condition, 'start');
      }
      // The world model catches up on what was stored meanwhile before the next phase.
      await poll(
        async () => {
          const c = await json<{ lag: number }>(call(port, 'GET', '/api/v1/world/coherence'), 200);
          return c.lag === 0 ? true : undefined;
        },
        5,
        60_000,
        'world lag 0',
      );
    }
  }
  const seconds = options.phaseS * options.rounds;
  const sortedOf = (c: Condition, r: Route) => [...tally(c, r).latencies].sort((a, b) => a - b);
  const rows = conditions.flatMap((condition) =>
    ROUTES.map((route) => {
      const t = tally(condition, route);
      const sorted = sortedOf(condition, route);
      const base = sortedOf('none', route);
      const down = route.component === condition || route.needs.includes(condition as Component);
      const ok = Object.entries(t.statuses)
        .filter(([s]) => Number(s) >= 200 && Number(s) < 300)
        .reduce((n, [, v]) => n + v, 0);
      const unavailable = t.statuses[503] ?? 0;
      return {
        condition,
        route: route.label,
        expect: condition !== 'none' && down ? 503 : 200,
        perSecond: sorted.length / seconds,
        ok,
        unavailable,
        other: sorted.length - ok - unavailable,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        p50Ratio: percentile(sorted, 50) / percentile(base, 50),
        p99Ratio: percentile(sorted, 99) / percentile(base, 99),
      };
    }),
  );
  console.log(
    `\n### 3. Isolation: ${options.rate} requests/s per route (open loop), ${options.rounds} rounds of ${options.phaseS} s per condition\n`,
  );
  console.log(
    markdownTable(
      [
        'Stopped',
        'Route',
        'Expected',
        'Answers/s',
        '2xx',
        '503',
        'Other',
        'p50 ms',
        'p99 ms',
        'max ms',
        'p50 × base',
        'p99 × base',
      ],
      rows.map((r) => [
        r.condition === 'none' ? '(none: baseline)' : r.condition,
        r.route,
        String(r.expect),
        fmt(r.perSecond, 0),
        String(r.ok),
        String(r.unavailable),
        String(r.other),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.max, 1),
        r.condition === 'none' ? '' : `${fmt(r.p50Ratio, 2)}×`,
        r.condition === 'none' ? '' : `${fmt(r.p99Ratio, 2)}×`,
      ]),
    ),
  );
  for (const r of rows) {
    const wrong = r.expect === 200 ? r.unavailable + r.other : r.ok + r.other;
    if (wrong > 0) {
      console.log(
        `! ${r.route} with ${r.condition} stopped: ${wrong} answers other than ${r.expect}`,
      );
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 4 and 5. Total failure and graceful stop under a write load

interface Write {
  sentAt: number;
  answeredAt?: number;
  status?: number;
  failed?: boolean;
  /** The client's error when the connection ended without an answer. */
  error?: string;
  id?: string;
  /** What a recall must give back (stores only). */
  content?: unknown;
}

/**
 * `connections` writers in closed loops until stop(): stores, and one writer in five observes.
 * The connections are opened first (a GET /health/live on each, all at once), so that every
 * write is sent on a connection the server has accepted; how long that took is returned.
 */
async function writeLoad(port: number, connections: number, tag: string) {
  const opening = performance.now();
  await Promise.all(
    Array.from({ length: connections }, () => json(call(port, 'GET', '/health/live'), 200)),
  );
  const connectMs = performance.now() - opening;
  const writes: Write[] = [];
  let stopped = false;
  const writer = async (w: number) => {
    for (let i = 0; !stopped && i < 100_000; i += 1) {
      const observation = w % 5 === 4;
      const content = { bench: 'kernel', tag, w, i };
      const write: Write = {
        sentAt: performance.now(),
        content: observation ? undefined : content,
      };
      writes.push(write);
      try {
        const res = observation
          ? await call(port, 'POST', '/api/v1/world/observations', {
              facts: [{ subject: `sensor:${tag}:${w}`, predicate: 'reading', object: i }],
            })
          : await call(port, 'POST', '/api/v1/memories', { content, kind: 'note' });
        write.answeredAt = performance.now();
        write.status = res.status;
        if (res.status === 201) {
          const body = JSON.parse(res.body) as { id?: string; memoryId?: string };
          write.id = body.id ?? body.memoryId;
        }
      } catch (error) {
        write.answeredAt = performance.now();
        write.failed = true;
        const code = (error as NodeJS.ErrnoException).code;
        write.error = code ?? (error as Error).message;
        return; // the connection died with the server
      }
    }
  };
  const done = Promise.all(Array.from({ length: connections }, (_, w) => writer(w)));
  return {
    connectMs,
    writes,
    stop: () => {
      stopped = true;
    },
    done,
  };
}

/** Recalls every acknowledged write (10 at a time); the ids that do not come back intact. */
async function lostWrites(port: number, writes: readonly Write[]): Promise<string[]> {
  const acknowledged = writes.filter((w) => w.status === 201 && w.id);
  const lost: string[] = [];
  for (let i = 0; i < acknowledged.length; i += 10) {
    await Promise.all(
      acknowledged.slice(i, i + 10).map(async (w) => {
        const res = await call(port, 'GET', `/api/v1/memories/${w.id}`);
        const intact =
          res.status === 200 &&
          (w.content === undefined ||
            isDeepStrictEqual((JSON.parse(res.body) as { content: unknown }).content, w.content));
        if (!intact) {
          lost.push(`${w.id} (${res.status})`);
        }
      }),
    );
  }
  return lost;
}

async function logVerifies(port: number): Promise<boolean> {
  const report = await json<{ ok: boolean }>(
    call(port, 'POST', '/api/v1/admin/log/verify', undefined, AUTH),
    200,
  );
  return report.ok;
}

const outcomes = (writes: readonly Write[]) => ({
  created: writes.filter((w) => w.status === 201).length,
  unavailable: writes.filter((w) => w.status === 503).length,
  other: writes.filter((w) => w.status !== undefined && w.status !== 201 && w.status !== 503)
    .length,
  connectionErrors: writes.filter((w) => w.failed).length,
});

async function totalFailure(
  start: Phoenix,
  options: Options,
  boots: Array<{ after: string; times: BootTimes }>,
) {
  let phoenix = start;
  const rounds = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const load = await writeLoad(phoenix.port, options.connections, `kill-${round}`);
    await sleep(options.loadMs + round * 150);
    const killedAt = performance.now();
    phoenix.server.child.kill('SIGKILL');
    load.stop();
    await load.done;
    await phoenix.server.exited;
    const inFlight = load.writes.filter(
      (w) => w.sentAt < killedAt && (w.answeredAt ?? Infinity) >= killedAt,
    );
    const next = await boot(phoenix.db, phoenix.port, phoenix.pinned);
    phoenix = next.phoenix;
    boots.push({ after: 'kill -9 under load', times: next.times });
    const lost = await lostWrites(phoenix.port, load.writes);
    const verified = await logVerifies(phoenix.port);
    rounds.push({
      ...outcomes(load.writes),
      inFlightAtKill: inFlight.length,
      connectMs: load.connectMs,
      lost,
      logVerifies: verified,
      boot: next.times,
    });
  }
  console.log(
    `\n### 4. Total failure: kill -9 under ${options.connections} writers, restart on the same data (${options.rounds} rounds)\n`,
  );
  printBootTable(boots.filter((b) => b.after === 'kill -9 under load').map((b) => b.times));
  for (const [i, r] of rounds.entries()) {
    console.log(
      `- round ${i + 1}: ${options.connections} connections opened in ${fmt(r.connectMs, 0)} ms; ${r.created} writes acknowledged (${r.unavailable} × 503, ${r.other} other), ` +
        `${r.inFlightAtKill} in flight at the kill; after the restart ${r.created - r.lost.length} of ${r.created} recall intact` +
        `${r.lost.length ? ` — LOST: ${r.lost.slice(0, 10).join(', ')}` : ''}; log verifies: ${r.logVerifies}; ` +
        `world lag at its first answer ${r.boot.initialLag}`,
    );
  }
  return { phoenix, rounds };
}

async function gracefulStop(
  start: Phoenix,
  options: Options,
  boots: Array<{ after: string; times: BootTimes }>,
) {
  let phoenix = start;
  const rounds = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const load = await writeLoad(phoenix.port, options.connections, `term-${round}`);
    await sleep(options.loadMs);
    const signalledAt = performance.now();
    let exitedAt = NaN;
    const exited = phoenix.server.exited.then((code) => {
      exitedAt = performance.now();
      return code;
    });
    phoenix.server.child.kill('SIGTERM');
    load.stop();
    await load.done;
    const code = await exited;
    const inFlight = load.writes.filter(
      (w) => w.sentAt < signalledAt && (w.answeredAt ?? Infinity) >= signalledAt,
    );
    const lastAnswer = Math.max(...inFlight.map((w) => w.answeredAt ?? NaN));
    const broken = inFlight.filter((w) => w.failed);
    const errors: Record<string, number> = {};
    for (const w of broken) {
      errors[w.error ?? '?'] = (errors[w.error ?? '?'] ?? 0) + 1;
    }
    const brokenAt = stats(broken.map((w) => (w.answeredAt ?? NaN) - signalledAt));
    const next = await boot(phoenix.db, phoenix.port, phoenix.pinned);
    phoenix = next.phoenix;
    boots.push({ after: 'SIGTERM under load', times: next.times });
    rounds.push({
      exitMs: exitedAt - signalledAt,
      connectMs: load.connectMs,
      exitCode: code,
      inFlight: inFlight.length,
      inFlightOutcomes: outcomes(inFlight),
      lastAnswerMs: lastAnswer - signalledAt,
      errors,
      brokenAt,
      sentBeforeSignalMs: stats(broken.map((w) => signalledAt - w.sentAt)),
      lost: await lostWrites(phoenix.port, load.writes),
    });
  }
  console.log(
    `\n### 5. Graceful stop: SIGTERM under ${options.connections} writers (${options.rounds} rounds)\n`,
  );
  console.log(
    markdownTable(
      ['', 'median', 'p95', 'max'],
      [
        ['SIGTERM → process exit (ms)', ...cells(stats(rounds.map((r) => r.exitMs)), 0)],
        [
          'SIGTERM → last in-flight answer (ms)',
          ...cells(stats(rounds.map((r) => r.lastAnswerMs)), 1),
        ],
        ['Requests in flight at SIGTERM', ...cells(stats(rounds.map((r) => r.inFlight)), 0)],
      ],
    ),
  );
  for (const [i, r] of rounds.entries()) {
    const o = r.inFlightOutcomes;
    console.log(
      `- round ${i + 1}: ${options.connections} connections opened in ${fmt(r.connectMs, 0)} ms; exit code ${r.exitCode} after ${fmt(r.exitMs, 0)} ms; of ${r.inFlight} requests in flight: ` +
        `${o.created} × 201, ${o.unavailable} × 503, ${o.other} other, ${o.connectionErrors} connection errors; ` +
        `acknowledged writes lost: ${r.lost.length}` +
        (o.connectionErrors
          ? `; the connection errors (${JSON.stringify(r.errors)}) came ${fmt(r.brokenAt.median, 0)}–${fmt(r.brokenAt.max, 0)} ms ` +
            `after SIGTERM, for requests sent ${fmt(r.sentBeforeSignalMs.median, 1)} ms (median) before it`
          : ''),
    );
  }
  return { phoenix, rounds };
}

// ---------------------------------------------------------------------------------------------
// Start-up

function printBootTable(times: readonly BootTimes[]): void {
  const row = (label: string, pick: (t: BootTimes) => number) => [
    label,
    ...cells(stats(times.map(pick)), 0),
  ];
  console.log(
    markdownTable(
      ['Spawn → (ms)', 'median', 'p95', 'max'],
      [
        row('/health/live 200', (t) => t.live),
        row('/health/ready 200', (t) => t.ready),
        row('first store 201', (t) => t.store),
        row('world lag 0', (t) => t.caughtUp),
      ],
    ),
  );
}

function printBoots(boots: ReadonlyArray<{ after: string; times: BootTimes }>) {
  const kinds = [...new Set(boots.map((b) => b.after))];
  const summary = kinds.map((after) => {
    const times = boots.filter((b) => b.after === after).map((b) => b.times);
    const s = (pick: (t: BootTimes) => number) => stats(times.map(pick));
    return {
      after,
      n: times.length,
      live: s((t) => t.live),
      ready: s((t) => t.ready),
      store: s((t) => t.store),
      caughtUp: s((t) => t.caughtUp),
    };
  });
  const clean = summary.find((s) => s.after === 'SIGTERM under load');
  console.log(
    '\n### Start-up by what came before (medians, ms; × = ratio to the start after SIGTERM)\n',
  );
  console.log(
    markdownTable(
      ['Start after', 'n', 'live', 'ready', 'first store', 'world lag 0', 'ready ×'],
      summary.map((s) => [
        s.after,
        String(s.n),
        fmt(s.live.median, 0),
        fmt(s.ready.median, 0),
        fmt(s.store.median, 0),
        fmt(s.caughtUp.median, 0),
        clean ? `${fmt(s.ready.median / clean.ready.median, 2)}×` : '',
      ]),
    ),
  );
  return summary;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
