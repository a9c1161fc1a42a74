/**
 * Helpers for bench/memory.ts: child servers (pinned to a CPU when taskset exists), readiness
 * and start-up timing, bounded autocannon runs with exact latency percentiles, payloads.
 * Everything talks to 127.0.0.1 only.
 */
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { canonicalJson } from '../../src/modules/memory/leaf';

export const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// CPU pinning

let tasksetAvailable: boolean | undefined;

export function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = cpus().length >= 2;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Pins this process (every thread, and children spawned later) to one CPU. */
export function pinSelf(cpu: number): boolean {
  if (!hasTaskset()) {
    return false;
  }
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], {
    stdio: 'ignore',
  });
  loadPolicy.loaderCpu = cpu;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Child servers

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Monotonic time (performance.now()) just before spawn. */
  spawnedAt: number;
  exited: Promise<number | null>;
  output(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function startServer(options: {
  name: string;
  port: number;
  /** node arguments: flags, then the script. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  cpu?: number;
}): Server {
  const pinned = options.cpu !== undefined && hasTaskset();
  const command = pinned ? 'taskset' : process.execPath;
  const args = pinned
    ? ['-c', String(options.cpu), process.execPath, ...options.nodeArgs]
    : options.nodeArgs;
  let output = '';
  const spawnedAt = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });
  return { name: options.name, port: options.port, child, spawnedAt, exited, output: () => output };
}

export function httpGet(
  port: number,
  path: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function httpPost(
  port: number,
  path: string,
  body: string | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: HOST,
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Polls `path` every 5 ms until it answers 200; returns milliseconds since the spawn.
 * Fails with the server's output if it exits first or the deadline passes.
 */
export async function waitReady(
  server: Server,
  path: string,
  timeoutMs = 120_000,
): Promise<number> {
  let exitCode: number | null | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${server.name} exited (${exitCode}) before ready:\n${server.output()}`);
    }
    try {
      const res = await httpGet(server.port, path, 5000);
      if (res.status === 200) {
        return performance.now() - server.spawnedAt;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      throw new Error(`${server.name} not ready after ${timeoutMs} ms:\n${server.output()}`);
    }
    await sleep(5);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; only ever this child's pid. */
export async function stopServer(server: Server, graceMs = 15_000): Promise<number | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return server.child.exitCode;
  }
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

/** Share of all CPUs busy over `ms` (Linux /proc/stat; NaN elsewhere). */
export async function machineBusy(ms = 1000): Promise<number> {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
      const idle = f[3] + f[4];
      return { idle, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: NaN, total: NaN };
    }
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return 100 * (1 - (b.idle - a.idle) / (b.total - a.total));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Load

export interface LoadCase {
  port: number;
  /** The server's pid, to report how busy it and its CPU were (Linux /proc). */
  pid?: number;
  /** The CPU the server is pinned to (default 0). */
  cpu?: number;
  method: 'GET' | 'POST';
  /** Fixed path, or a function giving each request's path. */
  path: string | (() => string);
  body?: Buffer;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Do not wait for a quiet machine before measuring (the caller did). */
  noQuietWait?: boolean;
  /** Sees every response body of the measured run (makes autocannon keep bodies: diagnostics only). */
  onBody?: (status: number, body: string) => void;
}

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  /** CPU used by the server process, % of one core (NaN when unknown). */
  serverCpu: number;
  /** CPU used on the server's CPU by anything else, % of that CPU: interference. */
  otherCpu: number;
  /** CPU used on the load generator's CPU by anything else, % of that CPU (when pinned). */
  otherLoaderCpu: number;
  /** CPU used by this process (the load generator), % of one core. */
  loaderCpu: number;
  /**
   * Server CPU time per answered request, µs: what a request costs the server, largely
   * independent of other processes taking turns on its CPU (unlike req/s).
   */
  cpuUsPerReq: number;
  /** Measured runs made (see loadPolicy); the least disturbed is reported. */
  attempts?: number;
}

interface CpuSnapshot {
  at: number;
  cpuBusy: number;
  /** Busy ticks of the load generator's CPU. */
  loaderCpuBusy: number;
  procTicks: number;
  self: NodeJS.CpuUsage;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** Busy ticks of CPUs `cpu` and `loaderCpu` (/proc/stat), and utime+stime ticks of `pid`. */
function cpuSnapshot(pid: number | undefined, cpu: number, loaderCpu: number): CpuSnapshot {
  let cpuBusy = NaN;
  let loaderCpuBusy = NaN;
  let procTicks = NaN;
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const busy = (n: number) => {
      const line = lines.find((l) => l.startsWith(`cpu${n} `));
      if (!line) {
        return NaN;
      }
      const f = line.trim().split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
      return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    };
    cpuBusy = busy(cpu);
    loaderCpuBusy = busy(loaderCpu);
    if (pid !== undefined) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procTicks = Number(rest[11]) + Number(rest[12]);
    }
  } catch {
    // not Linux, or the process is gone
  }
  return { at: performance.now(), cpuBusy, loaderCpuBusy, procTicks, self: process.cpuUsage() };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function once(c: LoadCase, durationS: number, record: boolean) {
  const before = cpuSnapshot(c.pid, c.cpu ?? 0, loadPolicy.loaderCpu ?? -1);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const fixedPath = typeof c.path === 'string' ? c.path : undefined;
  const nextPath = typeof c.path === 'function' ? c.path : undefined;
  return new Promise<LoadFigures>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://${HOST}:${c.port}${fixedPath ?? '/'}`,
        method: c.method,
        connections: c.connections,
        pipelining: 1,
        duration: durationS,
        timeout: 30,
        headers: c.body ? { 'content-type': 'application/json' } : {},
        body: c.body,
        requests:
          nextPath || (record && c.onBody)
            ? [
                {
                  method: c.method,
                  ...(nextPath
                    ? { setupRequest: (req: autocannon.Request) => ({ ...req, path: nextPath() }) }
                    : {}),
                  ...(record && c.onBody
                    ? { onResponse: (status: number, body: string) => c.onBody?.(status, body) }
                    : {}),
                },
              ]
            : undefined,
      },
      (error, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const after = cpuSnapshot(c.pid, c.cpu ?? 0, loadPolicy.loaderCpu ?? -1);
        const wallMs = after.at - before.at;
        const serverMs = (after.procTicks - before.procTicks) * TICK_MS;
        const cpuMs = (after.cpuBusy - before.cpuBusy) * TICK_MS;
        const selfUs = process.cpuUsage(before.self);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          serverCpu: round((100 * serverMs) / wallMs, 0),
          otherCpu: round(Math.max(0, (100 * (cpuMs - serverMs)) / wallMs), 0),
          otherLoaderCpu: round(
            Math.max(
              0,
              (100 * (after.loaderCpuBusy - before.loaderCpuBusy) * TICK_MS) / wallMs -
                (100 * (selfUs.user + selfUs.system)) / 1000 / wallMs,
            ),
            0,
          ),
          loaderCpu: round((100 * (selfUs.user + selfUs.system)) / 1000 / wallMs, 0),
          cpuUsPerReq: round((serverMs * 1000) / Math.max(1, result['2xx'] + result.non2xx), 1),
          rps: round(result['2xx'] / result.duration, 0),
          p50: round(percentile(sorted, 0.5), 2),
          p99: round(percentile(sorted, 0.99), 2),
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          statuses,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (!record) {
        return;
      }
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(responseTime);
      }
    });
  });
}

/**
 * How runLoad copes with a shared machine: before a measured run it waits (up to `quietWaitMs`)
 * for the machine to be idle, and a run during which another process used more than
 * `interference`% of the server's CPU is repeated (up to `retries` times); the least disturbed
 * run is kept.
 */
export const loadPolicy: {
  retries: number;
  interference: number;
  quietWaitMs: number;
  quietBelow: number;
  /** The CPU this process is pinned to (set by pinSelf); others' use of it is interference. */
  loaderCpu?: number;
} = { retries: 1, interference: 10, quietWaitMs: 5000, quietBelow: 15 };

/** How much other processes used the server's or the load generator's CPU during a run, %. */
export function disturbance(f: LoadFigures): number {
  return Math.max(f.otherCpu, Number.isNaN(f.otherLoaderCpu) ? 0 : f.otherLoaderCpu);
}

/** Waits (at most loadPolicy.quietWaitMs) until the whole machine is nearly idle. */
export async function waitQuiet(): Promise<void> {
  const deadline = performance.now() + loadPolicy.quietWaitMs;
  while (performance.now() < deadline) {
    const busy = await machineBusy(250);
    if (!(busy >= loadPolicy.quietBelow)) {
      return;
    }
  }
}

/** A short warm-up with the same shape, then the measured run (see loadPolicy). */
export async function runLoad(c: LoadCase, retries = loadPolicy.retries): Promise<LoadFigures> {
  if (c.warmupS > 0) {
    // autocannon counts whole seconds.
    await once(c, Math.max(1, Math.round(c.warmupS)), false);
  }
  let kept: LoadFigures | undefined;
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (!c.noQuietWait) {
      await waitQuiet();
    }
    const f = await once(c, c.durationS, true);
    f.attempts = attempt + 1;
    if (!kept || !(disturbance(f) >= disturbance(kept))) {
      kept = f;
    }
    if (!(disturbance(f) > loadPolicy.interference)) {
      break;
    }
  }
  return kept as LoadFigures;
}

// ---------------------------------------------------------------------------------------------
// Payloads

const WORDS =
  'memory agent recall proof leaf merkle tree signed head user prefers metric units observed fact world model decision axiom'.split(
    ' ',
  );

/**
 * Structured JSON content (an object with an array of small records, like an agent's notes)
 * whose RFC 8785 canonical form is exactly `bytes` long.
 */
export function makeContent(bytes: number, seed = 1): unknown {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const text = (n: number) =>
    Array.from({ length: n }, () => WORDS[rand() % WORDS.length]).join(' ');
  const content: { source: string; items: Array<Record<string, unknown>>; pad: string } = {
    source: 'bench',
    items: [],
    pad: '',
  };
  const sizeOf = () => Buffer.byteLength(canonicalJson(content), 'utf8');
  const base = sizeOf();
  // Each record is ~110 bytes of canonical JSON.
  const count = Math.max(0, Math.floor((bytes - base) / 115));
  for (let i = 0; i < count; i += 1) {
    content.items.push({ i, score: (rand() % 1000) / 1000, text: text(9), ok: i % 3 === 0 });
  }
  let size = sizeOf();
  while (size > bytes && content.items.length > 0) {
    content.items.pop();
    size = sizeOf();
  }
  content.pad = 'x'.repeat(bytes - size);
  const final = sizeOf();
  if (final !== bytes) {
    throw new Error(`makeContent(${bytes}) produced ${final} bytes`);
  }
  return content;
}

// ---------------------------------------------------------------------------------------------
// Output

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) {
    return '—';
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A GitHub-flavoured Markdown table, columns padded for reading in a terminal too. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
