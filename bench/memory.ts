/**
 * PlasticLTM benchmark: the built Phoenix server beside a bare Fastify + better-sqlite3 server,
 * both measured in the same run on the same machine (see docs/performance.md, "PlasticLTM").
 *
 *   npm run bench:memory                       # everything, 10^6 included (~4 min on 2 cores)
 *   npm run bench:memory -- --no-million       # skip the 10^6-leaf proof and start-up case
 *   npm run bench:memory -- --profile          # also diagnose: CPU profiles, prepares, append
 *
 * Options: --duration=S (measured seconds per case, default 5), --warmup=S (default 1),
 * --only=load|proof|profile, --profile, --no-million, --json=FILE (write the
 * results), --keep (keep the temp data directories), --retries=N (default 1: a run disturbed by
 * another process is repeated up to N times, see loadPolicy in bench/lib/memory-bench-util.ts). Needs `npm run build` first (the npm
 * script does it).
 *
 * When taskset exists and there are 2+ CPUs, servers run on CPU 0 and this process (autocannon,
 * data generation) on CPU 1, so load generation never steals the server's core.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { verifyInclusion } from '../src/modules/memory/merkle';
import { formatSummary, SampleWindow, summarizeFile } from './lib/cpu-profile-summary';
import { Dataset, seedBare, seedPhoenix } from './lib/memory-dataset';
import { appendFigures, appendTable } from './memory-append';
import {
  fmt,
  freePort,
  hasTaskset,
  httpGet,
  httpPost,
  disturbance,
  LoadFigures,
  loadPolicy,
  machineBusy,
  makeContent,
  markdownTable,
  pinSelf,
  runLoad,
  Server,
  sleep,
  startServer,
  stopServer,
  waitQuiet,
  waitReady,
} from './lib/memory-bench-util';

const ROOT = resolve(__dirname, '..');
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const AIM = 0.4;
const POOL = 1000;
const MAX_MEMORY_BYTES = 1_048_576;
const BODY_LIMIT_BYTES = 2 * 1_048_576;
const HEAD = '/api/v1/log/head';

interface Options {
  durationS: number;
  warmupS: number;
  only: 'all' | 'load' | 'proof' | 'profile';
  million: boolean;
  profile: boolean;
  json?: string;
  keep: boolean;
}

const ONLY: ReadonlyArray<Options['only']> = ['load', 'proof', 'profile'];

function parseArgs(argv: string[]): Options {
  const options: Options = {
    durationS: 5,
    warmupS: 1,
    only: 'all',
    million: true,
    profile: false,
    keep: false,
  };
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    if (key === '--duration') {
      options.durationS = Number(value);
    } else if (key === '--warmup') {
      options.warmupS = Number(value);
    } else if (key === '--only' && ONLY.includes(value as Options['only'])) {
      options.only = value as Options['only'];
      options.profile ||= value === 'profile';
    } else if (key === '--no-million') {
      options.million = false;
    } else if (key === '--profile') {
      options.profile = true;
    } else if (key === '--json') {
      options.json = value;
    } else if (key === '--keep') {
      options.keep = true;
    } else if (key === '--retries') {
      loadPolicy.retries = Number(value);
    } else {
      throw new Error(`unknown option ${arg} (see the header of bench/memory.ts)`);
    }
  }
  return options;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Servers

let workDir = '';
let bareScript = '';
let counterScript = '';

/** A helper compiled to plain JS once, so a server's start-up carries no TypeScript loader. */
function compileHelper(name: string): string {
  const source = readFileSync(join(__dirname, 'lib', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const file = join(workDir, `${name}.js`);
  writeFileSync(file, outputText);
  return file;
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PHOENIX_|DB_|DATABASE_|LOG_|PORT$|HOST$|NODE_ENV$|NODE_OPTIONS$|TS_NODE_)/.test(key)) {
      env[key] = value;
    }
  }
  return env;
}

async function startPhoenix(
  dataDir: string,
  nodeFlags: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Server> {
  const port = await freePort();
  return startServer({
    name: 'phoenix',
    port,
    cwd: ROOT,
    cpu: SERVER_CPU,
    nodeArgs: [...nodeFlags, join(ROOT, 'dist', 'main.js')],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PHOENIX_DATA_DIR: dataDir,
      PHOENIX_MAX_MEMORY_BYTES: String(MAX_MEMORY_BYTES),
      PHOENIX_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
      ...extraEnv,
    },
  });
}

async function startBare(dbFile: string): Promise<Server> {
  const port = await freePort();
  return startServer({
    name: 'bare',
    port,
    cwd: ROOT,
    cpu: SERVER_CPU,
    nodeArgs: [bareScript],
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      NODE_PATH: join(ROOT, 'node_modules'),
      PORT: String(port),
      BARE_DB: dbFile,
      BARE_BODY_LIMIT: String(BODY_LIMIT_BYTES),
    },
  });
}

function freshDir(name: string): string {
  const dir = join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Median of `reps` start-ups (spawn → first 200 from `path`); the last server is left running. */
async function timedStarts(
  start: () => Promise<Server>,
  path: string,
  reps: number,
): Promise<{ server: Server; ms: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; ; i += 1) {
    const server = await start();
    all.push(await waitReady(server, path));
    if (i === reps - 1) {
      const sorted = [...all].sort((a, b) => a - b);
      return { server, ms: sorted[Math.floor(sorted.length / 2)], all };
    }
    await stopServer(server);
  }
}

/** Stores `count` memories (1 KB) through the API, 20 at a time; returns their ids. */
async function storePool(
  server: Server,
  path: string,
  body: Buffer,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const res = await httpPost(server.port, path, body);
      if (res.status !== 201) {
        throw new Error(`${server.name} POST ${path} → ${res.status}: ${res.body.slice(0, 300)}`);
      }
      ids.push((JSON.parse(res.body) as { id: string }).id);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  return ids;
}

function randomOf(ids: readonly string[]): () => string {
  return () => ids[Math.floor(Math.random() * ids.length)];
}

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  label: string;
  connections: number;
  bare: LoadFigures;
  phoenix: LoadFigures;
  /** Phoenix stores: mean number of memories per append transaction. */
  batch?: number;
}

interface ProofRow {
  size: number;
  connections: number;
  proof: LoadFigures;
  bareGet: LoadFigures;
}

interface Results {
  machine: string;
  command: string;
  options: Options;
  load: Row[];
  proofs: ProofRow[];
  startup: Array<{ log: string; phoenixMs: number; phoenixRuns: number[]; bareMs: number }>;
  builds: Array<{ size: number; phoenixMs: number; bareMs: number }>;
  profiles: string[];
  elapsedS: number;
}

function checkClean(what: string, f: LoadFigures): void {
  if (f.non2xx > 0 || f.errors > 0) {
    log(`  ! ${what}: ${f.non2xx} non-2xx, ${f.errors} errors ${JSON.stringify(f.statuses)}`);
  }
  if (f.ok === 0) {
    throw new Error(`${what}: no successful response ${JSON.stringify(f)}`);
  }
}

/** Another process used the server's CPU during the run (more than this %): flagged. */
const INTERFERENCE = loadPolicy.interference;

function figures(f: LoadFigures): string {
  return (
    `${fmt(f.rps).padStart(7)} req/s  p50 ${fmt(f.p50, 2).padStart(6)}  p99 ${fmt(f.p99, 2).padStart(6)} ms ` +
    `[${fmt(f.cpuUsPerReq)} µs CPU/req, cpu ${fmt(f.serverCpu)}%${f.otherCpu > INTERFERENCE ? ` +${fmt(f.otherCpu)}% other!` : ''}, gen ${fmt(f.loaderCpu)}%${f.otherLoaderCpu > INTERFERENCE ? ` +${fmt(f.otherLoaderCpu)}% other!` : ''}${(f.attempts ?? 1) > 1 ? `, best of ${f.attempts} runs` : ''}]`
  );
}

/** A footnote mark for a figure whose run was disturbed or limited by the load generator. */
function mark(f: LoadFigures): string {
  return (
    (disturbance(f) > INTERFERENCE ? '†' : '') + (f.loaderCpu >= 90 && f.serverCpu < 85 ? '‡' : '')
  );
}

// ---------------------------------------------------------------------------------------------
// Phases

interface Payload {
  label: string;
  bytes: number;
  body: Buffer;
}

function payload(label: string, bytes: number, seed: number): Payload {
  return {
    label,
    bytes,
    body: Buffer.from(JSON.stringify({ content: makeContent(bytes, seed) })),
  };
}

async function loadPhase(options: Options, results: Results): Promise<void> {
  log('== Store and recall (Phoenix beside the bare server, same payloads) ==');
  const kb = payload('1 KB', 1024, 1);
  const hundred = payload('100 KB', 100 * 1024, 2);
  const mb = payload('1 MB', MAX_MEMORY_BYTES, 3);
  const bare = await startBare(join(freshDir('load-bare'), 'bare.db'));
  const phoenix = await startPhoenix(freshDir('load-phoenix'));
  try {
    await waitReady(bare, '/head');
    await waitReady(phoenix, HEAD);
    const barePool = await storePool(bare, '/m', kb.body, POOL);
    const phoenixPool = await storePool(phoenix, '/api/v1/memories', kb.body, POOL);
    const cases: Array<{
      label: string;
      kind: 'store' | 'recall' | 'floor';
      p: Payload;
      c: number;
    }> = [
      { label: 'store 1 KB', kind: 'store', p: kb, c: 1 },
      { label: 'store 1 KB', kind: 'store', p: kb, c: 50 },
      { label: 'recall 1 KB', kind: 'recall', p: kb, c: 1 },
      { label: 'recall 1 KB', kind: 'recall', p: kb, c: 50 },
      { label: 'store 100 KB', kind: 'store', p: hundred, c: 10 },
      { label: 'store 1 MB', kind: 'store', p: mb, c: 10 },
      // No database: bare GET /ping vs Phoenix GET /api/v1/log/public-key (the whole Nest
      // pipeline of an /api/v1 route). The most any API route's ratio can reach.
      { label: 'no-op route (floor)', kind: 'floor', p: kb, c: 50 },
    ];
    for (const c of cases) {
      const run = (
        server: Server,
        storePath: string,
        recallPath: (id: string) => string,
        pool: string[],
        floorPath: string,
        onBody?: (status: number, body: string) => void,
      ) => {
        const pick = randomOf(pool);
        return runLoad({
          onBody,
          port: server.port,
          pid: server.child.pid,
          cpu: SERVER_CPU,
          method: c.kind === 'store' ? 'POST' : 'GET',
          path:
            c.kind === 'store'
              ? storePath
              : c.kind === 'floor'
                ? floorPath
                : () => recallPath(pick()),
          body: c.kind === 'store' ? c.p.body : undefined,
          connections: c.c,
          durationS: options.durationS,
          warmupS: options.warmupS,
        });
      };
      const b = await run(bare, '/m', (id) => `/m/${id}`, barePool, '/ping');
      checkClean(`bare ${c.label} c${c.c}`, b);
      // Stores answered with the same treeSize were committed in one transaction (group commit).
      const commits = new Set<number>();
      let stored = 0;
      const p = await run(
        phoenix,
        '/api/v1/memories',
        (id) => `/api/v1/memories/${id}`,
        phoenixPool,
        '/api/v1/log/public-key',
        c.kind === 'store'
          ? (status, body) => {
              const m = status === 201 ? /"treeSize":(\d+)/.exec(body) : null;
              if (m) {
                commits.add(Number(m[1]));
                stored += 1;
              }
            }
          : undefined,
      );
      const batch = commits.size > 0 ? stored / commits.size : undefined;
      checkClean(`phoenix ${c.label} c${c.c}`, p);
      results.load.push({ label: c.label, connections: c.c, bare: b, phoenix: p, batch });
      log(
        `${`${c.label} c${c.c}`.padEnd(17)} bare ${figures(b)} | phoenix ${figures(p)} | ${(p.rps / b.rps).toFixed(2)}×` +
          (batch ? ` | ${batch.toFixed(2)} stores per commit` : ''),
      );
    }
  } finally {
    await stopServer(phoenix);
    await stopServer(bare);
  }
}

/** Starts the app once on a fresh directory to run the migrations and create the key. */
async function migrate(dataDir: string): Promise<number> {
  const server = await startPhoenix(dataDir);
  const ms = await waitReady(server, HEAD);
  const code = await stopServer(server);
  if (code !== 0) {
    throw new Error(`phoenix exited ${code} after migrating:\n${server.output()}`);
  }
  return ms;
}

async function checkDataset(server: Server, data: Dataset): Promise<void> {
  const head = JSON.parse((await httpGet(server.port, HEAD)).body) as {
    treeSize: number;
    rootHash: string;
  };
  if (head.treeSize !== data.size || head.rootHash !== data.rootHash) {
    throw new Error(`seeded log mismatch: head ${JSON.stringify(head)}, built ${data.rootHash}`);
  }
  for (const id of [
    data.sampleIds[0],
    data.sampleIds[Math.floor(data.sampleIds.length / 2)],
    data.sampleIds.at(-1) as string,
  ]) {
    const proof = JSON.parse((await httpGet(server.port, `/api/v1/memories/${id}/proof`)).body) as {
      leafIndex: number;
      treeSize: number;
      leafHash: string;
      auditPath: string[];
      rootHash: string;
    };
    const ok = verifyInclusion({
      leafHash: Buffer.from(proof.leafHash, 'hex'),
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      proof: proof.auditPath.map((h) => Buffer.from(h, 'hex')),
      rootHash: Buffer.from(head.rootHash, 'hex'),
    });
    if (!ok) {
      throw new Error(`proof for ${id} does not verify against the head`);
    }
  }
}

async function proofPhase(options: Options, results: Results): Promise<void> {
  log('== Inclusion proofs and start-up by tree size ==');
  const sizes = options.million ? [1_000, 1_000_000] : [1_000];
  for (const size of sizes) {
    const label = size === 1_000 ? '10^3' : '10^6';
    const dir = freshDir(`proof-${label}`);
    const firstStartMs = await migrate(dir);
    if (size === sizes[0]) {
      // An empty, migrated log: the floor for start-up.
      const empty = await timedStarts(() => startPhoenix(dir), HEAD, 3);
      await stopServer(empty.server);
      const bareDir = freshDir('bare-empty');
      const bareEmpty = await timedStarts(() => startBare(join(bareDir, 'bare.db')), '/head', 3);
      await stopServer(bareEmpty.server);
      results.startup.push({
        log: 'empty',
        phoenixMs: empty.ms,
        phoenixRuns: empty.all,
        bareMs: bareEmpty.ms,
      });
      log(
        `start-up, empty log: phoenix ${fmt(empty.ms)} ms (first start with migrations ${fmt(firstStartMs)} ms) | bare ${fmt(bareEmpty.ms)} ms`,
      );
    }
    const data = seedPhoenix(dir, size);
    const bareFile = join(freshDir(`proof-bare-${label}`), 'bare.db');
    const bareData = seedBare(bareFile, size);
    results.builds.push({ size, phoenixMs: data.buildMs, bareMs: bareData.buildMs });
    log(
      `built ${label} leaves in ${fmt(data.buildMs / 1000, 1)} s (bare rows: ${fmt(bareData.buildMs / 1000, 1)} s)`,
    );

    const started = await timedStarts(() => startPhoenix(dir), HEAD, 3);
    const phoenix = started.server;
    let bare: Server | undefined;
    try {
      await checkDataset(phoenix, data);
      const bareStarted = await timedStarts(() => startBare(bareFile), '/head', 3);
      bare = bareStarted.server;
      results.startup.push({
        log: label,
        phoenixMs: started.ms,
        phoenixRuns: started.all,
        bareMs: bareStarted.ms,
      });
      log(
        `start-up, ${label} leaves: phoenix ${fmt(started.ms)} ms (runs ${started.all.map((v) => fmt(v)).join(', ')}) | bare ${fmt(bareStarted.ms)} ms`,
      );
      for (const connections of [1, 50]) {
        const pickP = randomOf(data.sampleIds);
        const proof = await runLoad({
          port: phoenix.port,
          pid: phoenix.child.pid,
          cpu: SERVER_CPU,
          method: 'GET',
          path: () => `/api/v1/memories/${pickP()}/proof`,
          connections,
          durationS: options.durationS,
          warmupS: options.warmupS,
        });
        checkClean(`proof ${label} c${connections}`, proof);
        const pickB = randomOf(bareData.sampleIds);
        const bareGet = await runLoad({
          port: bare.port,
          pid: bare.child.pid,
          cpu: SERVER_CPU,
          method: 'GET',
          path: () => `/m/${pickB()}`,
          connections,
          durationS: options.durationS,
          warmupS: options.warmupS,
        });
        checkClean(`bare get ${label} c${connections}`, bareGet);
        results.proofs.push({ size, connections, proof, bareGet });
        log(
          `proof ${label} c${connections}`.padEnd(17) +
            ` bare GET ${figures(bareGet)} | phoenix proof ${figures(proof)} | ${(proof.rps / bareGet.rps).toFixed(2)}×`,
        );
      }
    } finally {
      await stopServer(phoenix);
      if (bare) {
        await stopServer(bare);
      }
    }
    if (!options.keep) {
      rmSync(dir, { recursive: true, force: true });
      rmSync(bareFile, { force: true });
    }
  }
}

/** CLOCK_MONOTONIC in µs: the clock of V8's .cpuprofile timestamps on Linux. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Diagnosis: CPU profiles (node --cpu-prof) and statement prepares of the server under load. */
async function profilePhase(options: Options, results: Results): Promise<void> {
  log('== Diagnosis: CPU profiles of Phoenix under load, statement prepares ==');
  const kb = payload('1 KB', 1024, 1);
  const mb = payload('1 MB', MAX_MEMORY_BYTES, 3);
  // Synchronous frames worth a total (async continuations do not nest under their caller).
  const watch = [
    'sqliteTransaction',
    'planAppend',
    'contentSha256',
    'canonicalJson',
    'assertCanonicalizable',
    'plainToInstance',
    'validate',
    'abort',
  ];
  const paths = {
    store: () => '/api/v1/memories',
    'store-1mb': () => '/api/v1/memories',
    recall: (id: string) => `/api/v1/memories/${id}`,
    proof: (id: string) => `/api/v1/memories/${id}/proof`,
    floor: () => '/api/v1/log/public-key',
  };
  for (const kind of ['store', 'recall', 'proof', 'floor', 'store-1mb'] as const) {
    const storing = kind === 'store' || kind === 'store-1mb';
    const profDir = freshDir(`prof-${kind}`);
    const counterOut = join(profDir, 'prepares.jsonl');
    let window: SampleWindow | undefined;
    const server = await startPhoenix(
      freshDir(`prof-data-${kind}`),
      ['-r', counterScript, '--cpu-prof', `--cpu-prof-dir=${profDir}`],
      { PREPARE_COUNTER_OUT: counterOut },
    );
    let prepares = '';
    try {
      await waitReady(server, HEAD);
      const pool =
        kind === 'recall' || kind === 'proof'
          ? await storePool(server, '/api/v1/memories', kb.body, POOL)
          : [];
      const pick = randomOf(pool);
      const load = (durationS: number) =>
        runLoad(
          {
            port: server.port,
            pid: server.child.pid,
            cpu: SERVER_CPU,
            method: storing ? 'POST' : 'GET',
            path: storing ? paths.store() : () => paths[kind](pick()),
            body: kind === 'store' ? kb.body : kind === 'store-1mb' ? mb.body : undefined,
            connections: kind === 'store-1mb' ? 10 : 50,
            durationS,
            warmupS: 0,
            noQuietWait: true,
          },
          0,
        );
      await load(Math.max(1, Math.round(options.warmupS)));
      // Only the measured run is summarized: not start-up, the pool, nor the warm-up.
      await waitQuiet();
      server.child.kill('SIGUSR2');
      window = { fromUs: monotonicUs(), toUs: 0 };
      const f = await load(options.durationS);
      window.toUs = monotonicUs();
      server.child.kill('SIGUSR2');
      // The handler runs when the server's event loop gets to it: wait for both lines.
      const lines = async () => {
        for (let i = 0; i < 100; i += 1) {
          const text = existsSync(counterOut)
            ? readFileSync(counterOut, 'utf8').trim().split('\n')
            : [];
          if (text.length >= 2) {
            return text;
          }
          await sleep(100);
        }
        throw new Error(`the prepare counter did not answer (${counterOut})`);
      };
      const [a, b] = (await lines()).map(
        (l) => JSON.parse(l) as { prepares: number; distinct: number },
      );
      const requests = f.ok + f.non2xx;
      prepares =
        `better-sqlite3 prepare() calls per request: ${((b.prepares - a.prepares) / requests).toFixed(2)}, ` +
        `new distinct SQL texts per request: ${((b.distinct - a.distinct) / requests).toFixed(2)} ` +
        `(${b.prepares - a.prepares} prepares over ${requests} requests)`;
      log(`${kind} under --cpu-prof: ${figures(f)}`);
      log(`  ${prepares}`);
    } finally {
      await stopServer(server);
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      log(`  (no profile written for ${kind}:\n${server.output()})`);
      continue;
    }
    const text = formatSummary(
      `${kind} c${kind === 'store-1mb' ? 10 : 50} (${join(profDir, file)})`,
      summarizeFile(join(profDir, file), 25, watch, window),
    );
    results.profiles.push(`${text}\n  ${prepares}`);
    log(text);
  }
  log('== Diagnosis: the append transaction in-process (no HTTP) ==');
  const append = appendTable(await appendFigures());
  results.profiles.push(append);
  log(append);
}

// ---------------------------------------------------------------------------------------------
// Summary

function summary(results: Results): string {
  const out: string[] = [];
  if (results.load.length > 0) {
    out.push(
      markdownTable(
        [
          'Case',
          'Bare req/s',
          'Bare p50 / p99 ms',
          'Phoenix req/s',
          'Phoenix p50 / p99 ms',
          'Phoenix / bare',
          'CPU µs/req bare → Phoenix',
          'By CPU/req',
        ],
        results.load.map((r) => [
          `${r.label}, ${r.connections} conn.`,
          fmt(r.bare.rps) + mark(r.bare),
          `${fmt(r.bare.p50, 2)} / ${fmt(r.bare.p99, 2)}`,
          fmt(r.phoenix.rps) + mark(r.phoenix),
          `${fmt(r.phoenix.p50, 2)} / ${fmt(r.phoenix.p99, 2)}`,
          `${(r.phoenix.rps / r.bare.rps).toFixed(2)}×`,
          `${fmt(r.bare.cpuUsPerReq)} → ${fmt(r.phoenix.cpuUsPerReq)}`,
          `${(r.bare.cpuUsPerReq / r.phoenix.cpuUsPerReq).toFixed(2)}×`,
        ]),
      ),
    );
  }
  if (results.proofs.length > 0) {
    out.push('');
    out.push(
      markdownTable(
        [
          'Tree size',
          'Conn.',
          'Bare GET req/s',
          'Bare p50 / p99 ms',
          'Proof req/s',
          'Proof p50 / p99 ms',
          'Proof / bare GET',
          'CPU µs/req bare → proof',
        ],
        results.proofs.map((r) => [
          r.size === 1_000 ? '10^3' : '10^6',
          String(r.connections),
          fmt(r.bareGet.rps) + mark(r.bareGet),
          `${fmt(r.bareGet.p50, 2)} / ${fmt(r.bareGet.p99, 2)}`,
          fmt(r.proof.rps) + mark(r.proof),
          `${fmt(r.proof.p50, 2)} / ${fmt(r.proof.p99, 2)}`,
          `${(r.proof.rps / r.bareGet.rps).toFixed(2)}×`,
          `${fmt(r.bareGet.cpuUsPerReq)} → ${fmt(r.proof.cpuUsPerReq)}`,
        ]),
      ),
    );
    for (const c of [1, 50]) {
      const small = results.proofs.find((r) => r.size === 1_000 && r.connections === c);
      const big = results.proofs.find((r) => r.size === 1_000_000 && r.connections === c);
      if (small && big) {
        out.push(
          `Proof at 10^6 vs 10^3, ${c} conn.: req/s ${(big.proof.rps / small.proof.rps).toFixed(2)}×, ` +
            `p50 ${(big.proof.p50 / small.proof.p50).toFixed(2)}×, CPU/req ${(big.proof.cpuUsPerReq / small.proof.cpuUsPerReq).toFixed(2)}× ` +
            `(audit path 10 → 20 hashes; a cost linear in n would be 1000×)`,
        );
      }
    }
    out.push('');
    out.push(
      markdownTable(
        ['Log', 'Phoenix start-up ms (median of 3)', 'Bare start-up ms (median of 3)'],
        results.startup.map((s) => [s.log, fmt(s.phoenixMs), fmt(s.bareMs)]),
      ),
    );
    const empty = results.startup.find((s) => s.log === 'empty');
    const million = results.startup.find((s) => s.log === '10^6');
    if (empty && million) {
      out.push(
        `Start-up with 10^6 leaves vs empty: ${(million.phoenixMs / empty.phoenixMs).toFixed(2)}×`,
      );
    }
  }
  const all = [
    ...results.load.flatMap((r) => [r.bare, r.phoenix]),
    ...results.proofs.flatMap((r) => [r.proof, r.bareGet]),
  ];
  if (all.some((f) => mark(f).includes('†'))) {
    out.push(
      `† another process used over ${INTERFERENCE}% of the server's or the load generator's CPU during that run: re-run on a quiet machine.`,
    );
  }
  out.push(
    'By CPU/req: bare CPU per request ÷ Phoenix CPU per request (server process, /proc): the req/s ratio each would reach with a whole core to itself, much less sensitive than req/s to other processes on the machine.',
  );
  if (all.some((f) => mark(f).includes('‡'))) {
    out.push(
      '‡ the load generator was saturated and the server was not: that figure is a lower bound.',
    );
  }
  const aim = results.load.filter((r) => r.connections === 50 && r.label.endsWith('1 KB'));
  if (aim.length > 0) {
    out.push('');
    for (const r of aim) {
      const ratio = r.phoenix.rps / r.bare.rps;
      const byCpu = r.bare.cpuUsPerReq / r.phoenix.cpuUsPerReq;
      out.push(
        `Aim (${r.label}, 50 conn. ≥ ${AIM.toFixed(2)}× bare): ${ratio.toFixed(2)}× req/s, ${byCpu.toFixed(2)}× by CPU/req — ${ratio >= AIM ? 'met' : 'MISSED'}`,
      );
    }
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const began = performance.now();
  const pinned = pinSelf(LOAD_CPU);
  workDir = mkdtempSync(join(tmpdir(), 'phoenix-bench-memory-'));
  bareScript = compileHelper('memory-bare-server');
  counterScript = compileHelper('sqlite-prepare-counter');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${
    pinned
      ? `servers pinned to CPU ${SERVER_CPU}, load generator to CPU ${LOAD_CPU} (taskset)`
      : 'no CPU pinning (taskset missing or 1 CPU)'
  }`;
  const results: Results = {
    machine,
    command: `npm run bench:memory -- ${process.argv.slice(2).join(' ')}`.trim(),
    options,
    load: [],
    proofs: [],
    startup: [],
    builds: [],
    profiles: [],
    elapsedS: 0,
  };
  log(`machine: ${machine}`);
  for (let waited = 0; ; waited += 1) {
    const busy = await machineBusy(1000);
    if (!(busy > 15) || waited >= 30) {
      log(
        `machine busy before start: ${fmt(busy)}%${busy > 15 ? ' (gave up waiting for quiet after 30 s)' : ''}`,
      );
      break;
    }
    if (waited === 0) {
      log(`machine ${fmt(busy)}% busy: waiting up to 30 s for it to quieten…`);
    }
  }
  log(
    `duration ${options.durationS} s per case after ${options.warmupS} s warm-up; work dir ${workDir}`,
  );
  if (!hasTaskset()) {
    log(
      'note: without taskset, server and load generator share the CPUs; ratios still hold, absolute figures less so',
    );
  }
  try {
    if (options.only === 'all' || options.only === 'load') {
      await loadPhase(options, results);
    }
    if (options.only === 'all' || options.only === 'proof') {
      await proofPhase(options, results);
    }
    if (options.profile) {
      await profilePhase(options, results);
    }
  } finally {
    results.elapsedS = Math.round((performance.now() - began) / 1000);
    if (!options.keep && !options.profile) {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  log('');
  log('== Summary ==');
  log(summary(results));
  log(`\ntotal ${results.elapsedS} s`);
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify({ ...results, summary: summary(results) }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:memory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
