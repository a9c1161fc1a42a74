/**
 * Helpers for bench/world.ts: the built server as a child process on 127.0.0.1, small HTTP
 * calls over a keep-alive agent, a deterministic fact generator and percentiles.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export { freePort } from './lib/memory-bench-util';

export const HOST = '127.0.0.1';
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface Server {
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Whether the server and this process can each have a CPU of their own. */
export function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
}

export function pinSelf(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], {
    stdio: 'ignore',
  });
}

/** Spawns `node dist/main.js`, on CPU `cpu` when given. */
export function startServer(options: {
  port: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  cpu?: number;
}): Server {
  const args = ['dist/main.js'];
  const command = options.cpu === undefined ? process.execPath : 'taskset';
  const argv =
    options.cpu === undefined ? args : ['-c', String(options.cpu), process.execPath, ...args];
  let output = '';
  const child = spawn(command, argv, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { port: options.port, child, exited, output: () => output };
}

/** SIGTERM, then SIGKILL after `graceMs`; only this child's pid. */
export async function stopServer(server: Server, graceMs = 15_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return;
  }
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
  agent.destroy();
}

export interface Reply {
  status: number;
  body: string;
}

export function call(
  port: number,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: HOST,
        port,
        path,
        method,
        agent,
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
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
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function json<T>(reply: Promise<Reply>, expected: number): Promise<T> {
  const res = await reply;
  if (res.status !== expected) {
    throw new Error(`expected ${expected}, got ${res.status}: ${res.body.slice(0, 500)}`);
  }
  return JSON.parse(res.body) as T;
}

/** Polls until `probe` returns a value, every `everyMs`, for at most `timeoutMs`. */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  everyMs: number,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (performance.now() > deadline) {
      throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    }
    await sleep(everyMs);
  }
}

/** mulberry32: the same facts on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREDICATES = ['status', 'location', 'owner', 'temperature', 'colour', 'tag'];
const BASE = Date.UTC(2026, 0, 1);

/**
 * A stream of facts like a fleet of sensors and agents would report them: 20,000 entities, six
 * predicates (`tag` many-valued), mostly in time order with 5 % late arrivals, 3 % lower
 * confidence, 1 % retractions — so supersession, history and conflicts all do work.
 */
export function factStream(seed: number): (count: number) => object[] {
  const next = random(seed);
  let clock = 0;
  return (count) =>
    Array.from({ length: count }, () => {
      clock += 1;
      const predicate = PREDICATES[Math.floor(next() * PREDICATES.length)];
      const late = next() < 0.05 ? Math.floor(next() * 3_600_000) : 0;
      const r = next();
      return {
        subject: `entity-${Math.floor(next() * 20_000)}`,
        predicate,
        object:
          r < 0.01
            ? null
            : predicate === 'temperature'
              ? Math.round(next() * 400) / 10
              : `v${Math.floor(next() * 50)}`,
        ...(next() < 0.03 ? { confidence: 0.7 } : {}),
        ...(predicate === 'tag' ? { cardinality: 'many' } : {}),
        validFrom: new Date(BASE + clock * 1000 - late).toISOString(),
      };
    });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (value: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** CPU use over a phase: the machine's busy share, and the server process's share of one CPU. */
export function cpuMeter(
  pid: number | undefined,
): () => { machineBusy: number; serverCpu: number; serverWroteMB: number } {
  const read = () => {
    try {
      const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
      const ticks = fields.map(Number);
      const idle = ticks[3] + (ticks[4] ?? 0);
      const total = ticks.reduce((a, b) => a + b, 0);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const io = /write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
      return {
        idle,
        total,
        proc: Number(stat[11]) + Number(stat[12]),
        wrote: Number(io?.[1] ?? NaN),
        at: performance.now(),
      };
    } catch {
      return undefined;
    }
  };
  const before = read();
  return () => {
    const after = read();
    if (!before || !after) {
      return { machineBusy: NaN, serverCpu: NaN, serverWroteMB: NaN };
    }
    const total = after.total - before.total;
    const seconds = (after.at - before.at) / 1000;
    return {
      machineBusy: round((100 * (total - (after.idle - before.idle))) / total),
      // /proc ticks are 1/100 s on Linux.
      serverCpu: round((after.proc - before.proc) / seconds),
      serverWroteMB: round((after.wrote - before.wrote) / 1e6),
    };
  };
}

/** Runs `fn` on a PostgreSQL client of its own (schema set-up and clean-up). */
export async function withPg(url: string, fn: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
