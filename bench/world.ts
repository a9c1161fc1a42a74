/**
 * WorldModel benchmark against the built server (dist/main.js) in a child process on 127.0.0.1
 * (see docs/performance.md, "World model"). Prints figures; asserts nothing.
 *
 *   npm run bench:world
 *   npm run bench:world -- --facts=100000 --duration=10 --connections=50 --postgres=postgres://…
 *   npm run bench:world -- --no-pin      # let the OS place the processes (a shared machine)
 *
 * 1. Projection throughput: the world model is stopped, `--facts` facts are stored as
 *    observations of 100 facts, the world model is started, and the time until its lag is 0
 *    gives facts per second.
 * 2. Rebuild: the admin rebuild of those facts, timed by the server.
 * 3. Projection throughput again, with `--facts` more facts in observations of 5 facts.
 * 4. Lag under load: autocannon posts observations of 5 facts over `--connections` connections
 *    for `--duration` seconds, first with the world model stopped (the memory API's own rate),
 *    then running, while the lag is sampled every 50 ms; then the time for the lag to reach 0.
 *
 * With taskset and 2+ CPUs, the server runs on CPU 0 and this process (load, sampling) on CPU 1.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  call,
  canPin,
  cpuMeter,
  factStream,
  freePort,
  json,
  percentile,
  pinSelf,
  poll,
  round,
  Server,
  startServer,
  stopServer,
  withPg,
} from './world-util';

const ROOT = resolve(__dirname, '..');
const TOKEN = 'bench-world-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const FACTS_PER_LOAD_OBSERVATION = 5;
const SEED_CONCURRENCY = 8;

interface Options {
  pin: boolean;
  facts: number;
  durationS: number;
  connections: number;
  postgres?: string;
}

interface Coherence {
  cursor: number | null;
  treeSize: number;
  lag: number;
  facts: number;
  conflicts: number;
  coherence: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    pin: !argv.includes('--no-pin'),
    facts: Number(value('facts') ?? 100_000),
    durationS: Number(value('duration') ?? 10),
    connections: Number(value('connections') ?? 50),
    postgres: value('postgres') ?? process.env.BENCH_POSTGRES_URL,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const pinned = options.pin && canPin();
  if (pinned) {
    pinSelf(1);
  }
  console.log(
    `# World model benchmark: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ` +
      `${pinned ? 'server on CPU 0, load on CPU 1' : 'no CPU pinning'}`,
  );
  const results = [await benchDatabase('sqlite', options, pinned)];
  if (options.postgres) {
    results.push(await benchDatabase('postgres', options, pinned));
  }
  console.log(JSON.stringify(results));
}

async function benchDatabase(
  db: 'sqlite' | 'postgres',
  options: Options,
  pinned: boolean,
): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-bench-world-'));
  const schema = db === 'postgres' ? `bench_world_${Date.now()}` : undefined;
  if (schema && options.postgres) {
    await withPg(options.postgres, (c) => c.query(`CREATE SCHEMA ${schema}`));
  }
  const port = await freePort();
  const server = startServer({
    port,
    cwd: ROOT,
    cpu: pinned ? 0 : undefined,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      PHOENIX_DATA_DIR: dataDir,
      PHOENIX_ADMIN_TOKEN: TOKEN,
      PHOENIX_CRITICAL_COMPONENTS: 'memory',
      ...(db === 'postgres'
        ? { DB_TYPE: 'postgres', DATABASE_URL: options.postgres, DATABASE_SCHEMA: schema }
        : {}),
      ...Object.fromEntries(
        ['COMPACTION', 'CLEANUP', 'INTEGRITY', 'BACKUP'].map((job) => [
          `PHOENIX_MAINTENANCE_${job}_ENABLED`,
          'false',
        ]),
      ),
    },
  });
  try {
    await poll(
      async () => (server.child.exitCode === null ? ready(server) : fail(server)),
      50,
      120_000,
      'server ready',
    );
    console.log(`\n## ${db}`);
    const throughput = await projectionThroughput(server, options.facts, 100);
    console.log(
      `projection, observations of 100 facts: ${throughput.facts} facts in ${throughput.ms} ms = ` +
        `${throughput.factsPerSecond} facts/s (${throughput.leavesPerSecond} observations/s); ` +
        `stored at ${throughput.acceptedFactsPerSecond} facts/s` +
        busy(throughput),
    );
    const rebuild = await rebuildTime(server);
    console.log(
      `rebuild: ${rebuild.facts} facts in ${rebuild.durationMs} ms = ${rebuild.factsPerSecond} facts/s` +
        busy(rebuild),
    );
    const small = await projectionThroughput(server, options.facts, 5);
    console.log(
      `projection, observations of 5 facts: ${small.facts} facts in ${small.ms} ms = ` +
        `${small.factsPerSecond} facts/s (${small.leavesPerSecond} observations/s); ` +
        `stored at ${small.acceptedFactsPerSecond} facts/s` +
        busy(small),
    );
    const baseline = await load(server, options, false);
    console.log(
      `memory API alone (world model stopped): ${baseline.rps} observations/s, p99 ${baseline.p99Ms} ms` +
        busy(baseline),
    );
    const loaded = await load(server, options, true);
    console.log(
      `under load (world model running): ${loaded.rps} observations/s = ${loaded.factsPerSecond} facts/s, ` +
        `p99 ${loaded.p99Ms} ms, errors ${loaded.errors}; lag p50 ${loaded.lag?.p50} / p99 ${loaded.lag?.p99} / ` +
        `max ${loaded.lag?.max} leaves; lag 0 ${loaded.lag?.zeroAfterMs} ms after the load stopped` +
        busy(loaded),
    );
    return { db, throughput, rebuild, small, baseline, loaded };
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    if (schema && options.postgres) {
      await withPg(options.postgres, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    }
  }
}

function busy(cpu: { machineBusy: number; serverCpu: number; serverWroteMB: number }): string {
  return ` [server ${cpu.serverCpu}% of a CPU, wrote ${cpu.serverWroteMB} MB; machine ${cpu.machineBusy}% busy]`;
}

async function ready(server: Server): Promise<true | undefined> {
  try {
    const res = await call(server.port, 'GET', '/health/ready');
    return res.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}

function fail(server: Server): never {
  throw new Error(`server exited:\n${server.output()}`);
}

const admin = (server: Server, action: string) =>
  json(
    call(server.port, 'POST', `/api/v1/admin/components/world-model/${action}`, undefined, AUTH),
    200,
  );
const coherence = (server: Server) =>
  json<Coherence>(call(server.port, 'GET', '/api/v1/world/coherence'), 200);
const caughtUp = (server: Server, everyMs: number, timeoutMs = 600_000) =>
  poll(
    async () => {
      const c = await coherence(server);
      return c.lag === 0 ? c : undefined;
    },
    everyMs,
    timeoutMs,
    'projection lag 0',
  );

async function projectionThroughput(server: Server, facts: number, perObservation: number) {
  await admin(server, 'stop');
  const next = factStream(perObservation);
  const observations = Math.ceil(facts / perObservation);
  let sent = 0;
  const seedStart = performance.now();
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (sent < observations) {
        sent += 1;
        await json(
          call(server.port, 'POST', '/api/v1/world/observations', {
            facts: next(perObservation),
          }),
          201,
        );
      }
    }),
  );
  const seedMs = performance.now() - seedStart;
  const started = performance.now();
  const meter = cpuMeter(server.child.pid);
  await admin(server, 'start');
  await caughtUp(server, 10);
  const ms = performance.now() - started;
  const cpu = meter();
  const total = observations * perObservation;
  return {
    facts: total,
    ms: round(ms),
    factsPerSecond: round((total / ms) * 1000),
    leavesPerSecond: round((observations / ms) * 1000),
    acceptedFactsPerSecond: round((total / seedMs) * 1000),
    ...cpu,
  };
}

async function rebuildTime(server: Server) {
  const meter = cpuMeter(server.child.pid);
  await json(call(server.port, 'POST', '/api/v1/admin/world/rebuild', undefined, AUTH), 202);
  const status = await poll(
    async () => {
      const s = await json<{ state: string; durationMs: number; facts: number }>(
        call(server.port, 'GET', '/api/v1/admin/world/rebuild', undefined, AUTH),
        200,
      );
      if (s.state === 'running') {
        return undefined;
      }
      if (s.state !== 'succeeded') {
        throw new Error(`rebuild ${s.state}`);
      }
      return s;
    },
    10,
    600_000,
    'rebuild',
  );
  const cpu = meter();
  // Deleting the replaced generation is idle-time work; let it finish before the next phase.
  await poll(
    async () => {
      const s = await json<{ replacedDeleted: boolean }>(
        call(server.port, 'GET', '/api/v1/admin/world/rebuild', undefined, AUTH),
        200,
      );
      return s.replacedDeleted ? true : undefined;
    },
    100,
    120_000,
    'replaced generation deleted',
  );
  return {
    facts: status.facts,
    durationMs: status.durationMs,
    factsPerSecond: round((status.facts / status.durationMs) * 1000),
    ...cpu,
  };
}

async function load(server: Server, options: Options, worldRunning: boolean) {
  if (!worldRunning) {
    await admin(server, 'stop');
  }
  const next = factStream(worldRunning ? 3 : 2);
  const lags: number[] = [];
  let sampling = worldRunning;
  const sampler = (async () => {
    while (sampling) {
      lags.push((await coherence(server)).lag);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const meter = cpuMeter(server.child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/api/v1/world/observations`,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          body: JSON.stringify({ facts: next(FACTS_PER_LOAD_OBSERVATION) }),
        }),
      },
    ],
  });
  const cpu = meter();
  const stoppedAt = performance.now();
  let zeroAfterMs: number | null = null;
  if (worldRunning) {
    await caughtUp(server, 5, 60_000);
    zeroAfterMs = round(performance.now() - stoppedAt);
  }
  sampling = false;
  await sampler;
  if (!worldRunning) {
    await admin(server, 'start');
    await caughtUp(server, 20);
  }
  const sorted = [...lags].sort((a, b) => a - b);
  const rps = round(result['2xx'] / result.duration);
  return {
    rps,
    factsPerSecond: rps * FACTS_PER_LOAD_OBSERVATION,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    ...cpu,
    lag: worldRunning
      ? {
          samples: sorted.length,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted.at(-1) ?? 0,
          zeroAfterMs,
        }
      : null,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
