import { BeforeApplicationShutdown, Injectable, Module } from '@nestjs/common';
import { getToken } from '@willsoto/nestjs-prometheus';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { Counter } from 'prom-client';
import { HEALTH_CHECK_CACHE_HITS } from '../../src/health/health.metrics';
import { ReadinessService } from '../../src/health/readiness.service';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const TOKEN = 'health-e2e-token-0123456789abcdef';
const ADMIN = { Authorization: `Bearer ${TOKEN}` };
/** Past the default PHOENIX_HEALTH_CACHE_TTL_MS (100). */
const AFTER_TTL_MS = 150;

function readiness(t: TestApp): ReadinessService {
  return t.app.get(ReadinessService);
}

/** Readiness probes answered without an evaluation of their own, so far (process-wide). */
async function cacheHits(t: TestApp): Promise<number> {
  const metric = t.app.get<Counter<string>>(getToken(HEALTH_CHECK_CACHE_HITS));
  const { values } = await metric.get();
  return values.find((v) => v.labels.probe === 'ready')?.value ?? 0;
}

/** Holds the application's shutdown in beforeApplicationShutdown until the test opens it. */
function newGate() {
  let release!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  return { opened, arrived, release, reached };
}

let gate = newGate();

@Injectable()
class ShutdownGate implements BeforeApplicationShutdown {
  beforeApplicationShutdown(): Promise<void> {
    gate.reached();
    return gate.opened;
  }
}

@Module({ providers: [ShutdownGate] })
class ShutdownGateModule {}

describeEachDatabase('Health probes (e2e)', (db) => {
  describe('a healthy instance', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: TOKEN } });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should answer every probe with 200, JSON, no-store and a request id', async () => {
      for (const path of ['/health/live', '/health/ready', '/health/startup']) {
        const res = await t.http.get(path).expect(200);
        expect(res.body).toEqual({ status: 'ok' });
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['cache-control']).toContain('no-store');
        expect(res.headers['x-request-id']).toBeTruthy();
      }
    });

    it('should keep a sane incoming request id on the fast path too', async () => {
      const res = await t.http.get('/health/live').set('x-request-id', 'probe-7').expect(200);
      expect(res.headers['x-request-id']).toBe('probe-7');
    });

    it('should give every readiness indicator with ?verbose', async () => {
      const res = await t.http.get('/health/ready?verbose').expect(200);
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.body).toMatchObject({
        status: 'ok',
        error: {},
        details: {
          database: { status: 'up' },
          components: {
            status: 'up',
            components: { memory: { state: 'running', critical: true } },
          },
          disk: { status: 'up', freeBytes: expect.any(Number), minFreeBytes: 104857600 },
          heap: { status: 'up', ratio: expect.any(Number), maxRatio: 0.9 },
        },
        checkedAt: expect.stringMatching(/Z$/),
      });
    });

    it('should report migrations applied and components started on /health/startup', async () => {
      const res = await t.http.get('/health/startup?verbose').expect(200);
      expect(res.body.details).toMatchObject({
        migrations: { status: 'up', applied: t.dataSource.migrations.length },
        components: { status: 'up' },
      });
    });

    it('should fail readiness, not liveness, while a critical component is stopped', async () => {
      await t.http.post('/api/v1/admin/components/memory/stop').set(ADMIN).expect(200);
      try {
        await sleep(AFTER_TTL_MS);
        const res = await t.http.get('/health/ready').expect(503);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({
          status: 'error',
          error: {
            components: expect.objectContaining({
              status: 'down',
              message: 'critical component not running: memory',
            }),
          },
        });
        await t.http.get('/health/live').expect(200);
      } finally {
        await t.http.post('/api/v1/admin/components/memory/start').set(ADMIN).expect(200);
      }
      await sleep(AFTER_TTL_MS);
      await t.http.get('/health/ready').expect(200);
    });
  });

  describe('a non-critical component down', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: { PHOENIX_ADMIN_TOKEN: TOKEN, PHOENIX_CRITICAL_COMPONENTS: 'none' },
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should stay ready, degraded, and show the component in the body', async () => {
      await t.http.post('/api/v1/admin/components/memory/stop').set(ADMIN).expect(200);
      await sleep(AFTER_TTL_MS);
      const res = await t.http.get('/health/ready?verbose').expect(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.details.components).toMatchObject({
        status: 'degraded',
        components: { memory: { state: 'stopped', critical: false } },
      });
      await t.http.get('/health/ready').expect(200, { status: 'degraded' });
    });
  });

  describe('the database gone', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({ db });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should fail readiness with 503 and keep liveness and startup at 200', async () => {
      await t.http.get('/health/startup').expect(200);
      await t.dataSource.destroy();
      await sleep(AFTER_TTL_MS);
      const res = await t.http.get('/health/ready?verbose').expect(503);
      expect(res.body.status).toBe('error');
      expect(res.body.error.database).toMatchObject({
        status: 'down',
        message: expect.any(String),
      });
      const terse = await t.http.get('/health/ready').expect(503);
      expect(terse.body).toMatchObject({
        status: 'error',
        error: { database: { status: 'down' } },
      });
      await t.http.get('/health/live').expect(200, { status: 'ok' });
      // Startup passed once; it does not go back (liveness and readiness take over).
      await t.http.get('/health/startup').expect(200);
    });
  });

  if (db === 'postgres') {
    describe('a database that does not answer', () => {
      let t: TestApp;
      let taken: Array<Promise<PoolClient>> = [];

      beforeAll(async () => {
        t = await TestApp.create({ db, env: { DATABASE_POOL_SIZE: '2' } });
      });

      afterAll(async () => {
        // Each client goes back as soon as it is had, which lets the queued ones through.
        await Promise.allSettled(taken.map((client) => client.then((c) => c.release())));
        await t.destroy();
      });

      it('should report the ping down after its timeout when no connection is free', async () => {
        // As many requests as the pool has connections: whatever is free is taken, and the rest
        // wait in the pool's queue ahead of the ping.
        const pool = (t.dataSource.driver as unknown as { master: Pool }).master;
        taken = [pool.connect(), pool.connect()];
        await sleep(AFTER_TTL_MS);
        const started = performance.now();
        const res = await t.http.get('/health/ready?verbose').expect(503);
        expect(performance.now() - started).toBeLessThan(1500);
        expect(res.body.error.database).toMatchObject({
          status: 'down',
          message: 'timeout of 500ms exceeded',
        });
      });
    });
  }

  describe('a hung indicator', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        // Far enough apart, and from a real ping's time, that only the hung one times out.
        env: { PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS: '1000', PHOENIX_HEALTH_TIMEOUT_MS: '5000' },
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should be reported down after its timeout while the probe answers in time', async () => {
      readiness(t).addIndicator({ key: 'hung', check: () => new Promise(() => undefined) });
      await sleep(AFTER_TTL_MS);
      const started = performance.now();
      const res = await t.http.get('/health/ready?verbose').expect(503);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeLessThan(5000);
      expect(res.body.error).toEqual({
        hung: {
          status: 'down',
          message: 'timeout of 1000ms exceeded',
          durationMs: expect.any(Number),
        },
      });
      expect(res.body.details.database.status).toBe('up');
    });
  });

  describe('the readiness cache', () => {
    let t: TestApp;

    beforeAll(async () => {
      // Long enough that three requests in a row fit in it even on a loaded machine.
      t = await TestApp.create({ db, env: { PHOENIX_HEALTH_CACHE_TTL_MS: '1000' } });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should evaluate readiness once per TTL', async () => {
      await sleep(1100);
      const before = readiness(t).evaluations;
      await t.http.get('/health/ready').expect(200);
      await t.http.get('/health/ready').expect(200);
      await t.http.get('/health/ready?verbose').expect(200);
      expect(readiness(t).evaluations).toBe(before + 1);
      await sleep(1100);
      await t.http.get('/health/ready').expect(200);
      expect(readiness(t).evaluations).toBe(before + 2);
    });
  });

  describe('concurrent probes', () => {
    let t: TestApp;
    let base: string;

    beforeAll(async () => {
      // No TTL: only sharing the evaluation in flight can spare evaluations.
      t = await TestApp.create({
        db,
        env: {
          PHOENIX_HEALTH_CACHE_TTL_MS: '0',
          // Room for 100 requests to arrive while the evaluation waits for them.
          PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS: '10000',
          PHOENIX_HEALTH_TIMEOUT_MS: '10000',
        },
      });
      base = await t.listen();
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should make 100 concurrent readiness probes share one evaluation', async () => {
      // The evaluation stays in flight until the other 99 probes have joined it.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      readiness(t).addIndicator({
        key: 'gated',
        check: async () => {
          await released;
          return { gated: { status: 'up' } };
        },
      });
      const hits = () => cacheHits(t);
      const hitsBefore = await hits();
      const before = readiness(t).evaluations;
      const answers = Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${base}/health/ready${i % 2 === 0 ? '' : '?verbose'}`).then(async (res) => {
            await res.arrayBuffer();
            return res.status;
          }),
        ),
      );
      const deadline = Date.now() + 10_000;
      while ((await hits()) < hitsBefore + 99 && Date.now() < deadline) {
        await sleep(10);
      }
      release();
      expect(await answers).toEqual(Array(100).fill(200));
      expect(readiness(t).evaluations).toBe(before + 1);
      await expect(hits()).resolves.toBe(hitsBefore + 99);
    });
  });

  describe('shutdown', () => {
    let t: TestApp;

    beforeAll(async () => {
      gate = newGate();
      t = await TestApp.create({ db, imports: [ShutdownGateModule] });
    });

    afterAll(async () => {
      gate.release();
      await t.destroy();
    });

    it('should answer readiness 503 from the first moment of shutdown', async () => {
      const base = await t.listen();
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const closing = t.app.close();
      await new Promise((resolve) => setImmediate(resolve));
      // The service says so as soon as close() has begun, before any shutdown hook has run.
      expect(readiness(t).check()).toMatchObject({
        statusCode: 503,
        result: { status: 'shutting_down' },
      });
      await gate.arrived;
      const res = await fetch(`${base}/health/ready`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // Nest's adapter answers every new request 503 during shutdown, probes included.
      await expect(res.json()).resolves.toMatchObject({ statusCode: 503 });
      gate.release();
      await closing;
    });
  });
});
