import { ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './utils/ports';

const MAIN = resolve(__dirname, '../../dist/main.js');

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
}

function run(env: Record<string, string>): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<Exit>((ok) => child.on('exit', (code) => ok({ code, stdout, stderr })));
  return { child, exit };
}

async function waitForServer(port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/docs-json`);
      if (res.ok) {
        return Date.now() - started;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server did not answer within ${timeoutMs} ms`);
}

/** Stores `{ note }` through the API of the server on `port`; resolves with the memory's id. */
async function storeNote(port: number, note: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/memories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: { note } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('The built server as a process (e2e)', () => {
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    }
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'phoenix-proc-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should exit 1 naming every bad key, in one line and without a stack trace', async () => {
    const { exit } = run({ PHOENIX_DATA_DIR: dataDir, PORT: 'eighty', DB_TYPE: 'postgres' });
    const { code, stderr } = await exit;
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
    expect(lines[0]).toMatch(/DATABASE_URL/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('should exit 1 with one line when the data directory cannot be written', async () => {
    // A directory below a regular file can never be created, even by root.
    writeFileSync(join(dataDir, 'a-file'), '');
    const target = join(dataDir, 'a-file', 'data');
    const { exit } = run({ PHOENIX_DATA_DIR: target });
    const { code, stderr } = await exit;
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `phoenix-kernel: data directory ${target} cannot be written (ENOTDIR)`,
    ]);
  });

  it('should refuse a second process on the same SQLite data directory, and not after a kill -9', async () => {
    const port = await freePort();
    const first = run({ PHOENIX_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForServer(port, 30_000);
      const id = await storeNote(port, 'before the second process');

      const second = run({ PHOENIX_DATA_DIR: dataDir, PORT: String(await freePort()) });
      // A second process that does start (the defect) is ended, so the test fails instead of hanging.
      const serving = setTimeout(() => second.child.kill('SIGKILL'), 20_000);
      const { code, stderr } = await second.exit.finally(() => clearTimeout(serving));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `phoenix-kernel: data directory ${dataDir} is in use by another Phoenix Kernel process ` +
          `(pid ${first.child.pid} since ${/since ([^)]+)\)/.exec(stderr)?.[1]}); one SQLite data ` +
          'directory serves one process (use PostgreSQL for replicas)',
      ]);
      // The refused process changed nothing: the first still serves what it stored.
      const recalled = await fetch(`http://127.0.0.1:${port}/api/v1/memories/${id}`);
      expect(recalled.status).toBe(200);

      // A holder killed outright leaves no stale lock: the OS releases it with the process.
      first.child.kill('SIGKILL');
      await first.exit;
      const third = run({ PHOENIX_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
      try {
        await waitForServer(port, 30_000);
        const again = await fetch(`http://127.0.0.1:${port}/api/v1/memories/${id}`);
        expect(again.status).toBe(200);
      } finally {
        third.child.kill('SIGTERM');
        await third.exit;
      }
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('should create every file of its data directory for its owner only, whatever the umask', async () => {
    const port = await freePort();
    const token = 'a-test-admin-token-0123456789';
    chmodSync(dataDir, 0o755);
    const umask = process.umask(0o022);
    const server = run({
      PHOENIX_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PHOENIX_ADMIN_TOKEN: token,
    });
    process.umask(umask);
    try {
      await waitForServer(port, 30_000);
      await storeNote(port, 'private');
      const backup = await fetch(
        `http://127.0.0.1:${port}/api/v1/admin/maintenance/jobs/backup/run`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(backup.status).toBe(200);

      const files = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? [join(dir, e.name), ...files(join(dir, e.name))] : [join(dir, e.name)],
        );
      const found = files(dataDir);
      expect(found).toEqual(
        expect.arrayContaining([
          join(dataDir, 'phoenix.db'),
          join(dataDir, 'phoenix.db-wal'),
          join(dataDir, 'log-signing-key.pem'),
          join(dataDir, 'backups'),
        ]),
      );
      expect(found.some((f) => f.startsWith(join(dataDir, 'backups') + '/'))).toBe(true);
      const modes = Object.fromEntries(
        [dataDir, ...found].map((f) => [f, (statSync(f).mode & 0o777).toString(8)]),
      );
      const expected = Object.fromEntries(
        [dataDir, ...found].map((f) => [f, statSync(f).isDirectory() ? '700' : '600']),
      );
      expect(modes).toEqual(expected);
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });

  it('should serve, create its database, and exit 0 on SIGTERM after answering a request in flight', async () => {
    const port = await freePort();
    const { child, exit } = run({
      PHOENIX_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    try {
      // Start-up time is measured by bench:kernel; here it need only come up.
      await waitForServer(port, 30_000);
      expect(existsSync(join(dataDir, 'phoenix.db'))).toBe(true);

      // A request in flight: headers and half a body sent, the rest after SIGTERM. The server
      // answers `Expect: 100-continue` as it hands the request to the app, so once the 100 is
      // here the request is in, whatever the scheduler did to either process.
      const socket = new Socket();
      let text = '';
      const continued = new Promise<void>((ok, fail) => {
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('100 Continue\r\n\r\n')) {
            ok();
          }
        });
        // Settled already if the 100 came; otherwise the test fails here instead of waiting.
        socket.on('end', () => fail(new Error(`ended before 100 Continue: ${text}`)));
        socket.on('error', fail);
      });
      const response = new Promise<string>((ok, fail) => {
        socket.on('end', () => ok(text));
        socket.on('error', fail);
      });
      await new Promise<void>((ok) => socket.connect(port, '127.0.0.1', ok));
      const body = JSON.stringify({ content: { note: 'in flight' } });
      socket.write(
        `POST /api/v1/memories HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n` +
          body.slice(0, 10),
      );
      await continued;
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      socket.end(body.slice(10));
      const answer = (await response).replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      // Answered by the route, not refused by the shutdown (which would be a 503).
      expect(answer).toMatch(/^HTTP\/1\.1 201 /);
      const stored = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { id: string };
      expect(answer).toMatch(/x-request-id: /i);
      const { code } = await exit;
      expect(code).toBe(0);

      // The acknowledged write is there after a restart on the same data directory.
      const again = run({ PHOENIX_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
      try {
        await waitForServer(port, 5000);
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/memories/${stored.id}`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { content: unknown }).content).toEqual({ note: 'in flight' });
      } finally {
        again.child.kill('SIGTERM');
        await again.exit;
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
