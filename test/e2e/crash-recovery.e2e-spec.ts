import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSchema, describeEachDatabase, dropSchema, postgresUrl } from './utils/databases';
import { freePort } from './utils/ports';

const MAIN = resolve(__dirname, '../../dist/main.js');
const TOKEN = 'crash-recovery-admin-token-0123456789';
const CONNECTIONS = 50;
const ROUNDS = 5;

/** One HTTP call on a keep-alive agent; rejects when the connection dies (as under kill -9). */
function call(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        timeout: 5000,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end(payload);
  });
}

describeEachDatabase('Crash recovery: kill -9 under write load (e2e)', (db) => {
  let dataDir: string;
  let schema: string | undefined;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'phoenix-crash-'));
    schema = db === 'postgres' ? await createSchema() : undefined;
    port = await freePort();
  });

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      await dropSchema(schema);
    }
  });

  const startServer = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'error',
        PORT: String(port),
        HOST: '127.0.0.1',
        PHOENIX_DATA_DIR: dataDir,
        PHOENIX_ADMIN_TOKEN: TOKEN,
        ...(db === 'postgres'
          ? { DB_TYPE: 'postgres', DATABASE_URL: postgresUrl(), DATABASE_SCHEMA: schema ?? '' }
          : {}),
      },
      stdio: 'ignore',
    });
    const agent = new Agent({ keepAlive: false });
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      try {
        if ((await call(agent, port, 'GET', '/api/v1/log/head')).status === 200) {
          return child;
        }
      } catch {
        // not up yet
      }
      await sleep(25);
    }
    child.kill('SIGKILL');
    throw new Error('the server did not start within 10 s');
  };

  it(`should keep every acknowledged write across ${ROUNDS} kill -9 during a ${CONNECTIONS}-connection write load`, async () => {
    const acknowledged = new Map<string, number>();
    const refusedOtherwise: number[] = []; // statuses other than 201 and 503
    for (let round = 0; round < ROUNDS; round += 1) {
      const server = await startServer();
      const exited = new Promise((ok) => server.once('exit', ok));
      const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      let stop = false;
      const writer = async (w: number) => {
        for (let i = 0; !stop && i < 10_000; i += 1) {
          const value = round * 1_000_000 + w * 10_000 + i;
          let res: { status: number; body: string };
          try {
            res = await call(agent, port, 'POST', '/api/v1/memories', { content: { value } });
          } catch {
            return; // the connection died with the server
          }
          if (res.status === 201) {
            acknowledged.set((JSON.parse(res.body) as { id: string }).id, value);
          } else if (res.status !== 503) {
            refusedOtherwise.push(res.status);
          }
        }
      };
      const ackedBefore = acknowledged.size;
      const writers = Array.from({ length: CONNECTIONS }, (_, w) => writer(w));
      // Killed at a different point of the load each round, and never before the round has
      // written something (a loaded host may take longer than the pause to get going).
      await sleep(400 + round * 150);
      const deadline = Date.now() + 10_000;
      while (acknowledged.size - ackedBefore < CONNECTIONS && Date.now() < deadline) {
        await sleep(20);
      }
      server.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await exited;
      agent.destroy();
    }

    const server = await startServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    try {
      expect(refusedOtherwise).toEqual([]);
      expect(acknowledged.size).toBeGreaterThan(ROUNDS * CONNECTIONS);
      const ids = [...acknowledged.keys()];
      for (let i = 0; i < ids.length; i += 10) {
        await Promise.all(
          ids.slice(i, i + 10).map(async (id) => {
            const res = await call(agent, port, 'GET', `/api/v1/memories/${id}`);
            expect(res.status).toBe(200);
            expect((JSON.parse(res.body) as { content: unknown }).content).toEqual({
              value: acknowledged.get(id),
            });
          }),
        );
      }
      const report = await call(agent, port, 'POST', '/api/v1/admin/log/verify', undefined, {
        authorization: `Bearer ${TOKEN}`,
      });
      expect(report.status).toBe(200);
      expect(JSON.parse(report.body)).toMatchObject({ ok: true, mismatches: [] });
    } finally {
      agent.destroy();
      server.kill('SIGTERM');
      await new Promise((ok) => server.once('exit', ok));
    }
  }, 120_000);
});
