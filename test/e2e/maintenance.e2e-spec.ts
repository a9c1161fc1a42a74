import BetterSqlite3 from 'better-sqlite3';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompactionJob } from '../../src/modules/maintenance/jobs/compaction.job';
import type { JobReport } from '../../src/modules/maintenance/maintenance-job';
import { describeEachDatabase } from './utils/databases';
import { eventually } from './utils/eventually';
import { TestApp } from './utils/test-app';

const TOKEN = 'maintenance-e2e-token-0123456789';
const ADMIN = { Authorization: `Bearer ${TOKEN}` };
const JOBS = '/api/v1/admin/maintenance/jobs';

/** The value of one series in a scrape, 0 when absent. */
async function metric(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await t.http.get('/metrics').expect(200)).text;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Replaces the compaction job's work, keeping the service's handling of it. */
function stubCompaction(t: TestApp, work: (signal: AbortSignal) => Promise<JobReport>) {
  return jest.spyOn(t.app.get(CompactionJob), 'run').mockImplementation(work);
}

const unreleased: Array<() => void> = [];

/**
 * A promise the test settles itself: a stubbed job waits on it instead of on the clock. Every
 * latch is released after its test, so a test that fails before releasing one leaves no job
 * (and no request, lock or connection) waiting on it.
 */
function latch(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  unreleased.push(release);
  return { promise, release };
}

afterEach(() => {
  for (const release of unreleased.splice(0)) {
    release();
  }
});

async function compactionView(t: TestApp): Promise<{ running: boolean }> {
  const list = await t.http.get(JOBS).set(ADMIN).expect(200);
  return (list.body.jobs as Array<{ name: string; running: boolean }>).find(
    (job) => job.name === 'compaction',
  )!;
}

async function store(t: TestApp, body: object): Promise<string> {
  const res = await t.http.post('/api/v1/memories').send(body).expect(201);
  return res.body.id as string;
}

describeEachDatabase('Maintenance (e2e)', (db) => {
  describe('jobs through the admin API', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: {
          PHOENIX_ADMIN_TOKEN: TOKEN,
          PHOENIX_MAINTENANCE_BACKUP_ENABLED: 'false',
          PHOENIX_BACKUP_KEEP: '2',
        },
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('should need the admin token', async () => {
      await t.http.get(JOBS).expect(401);
      await t.http.post(`${JOBS}/compaction/run`).expect(401);
    });

    it('should list every job with its schedule and next run', async () => {
      const res = await t.http.get(JOBS).set(ADMIN).expect(200);
      expect(res.body.jobs.map((j: { name: string }) => j.name)).toEqual([
        'compaction',
        'cleanup',
        'integrity',
        'backup',
      ]);
      const [compaction, , integrity, backup] = res.body.jobs;
      expect(compaction).toMatchObject({ enabled: true, cron: '*/5 * * * *', running: false });
      const next = Date.parse(compaction.nextRun);
      expect(next).toBeGreaterThan(Date.now());
      expect(next).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
      expect(integrity).toMatchObject({ enabled: true, cron: '0 * * * *' });
      expect(backup).toMatchObject({ enabled: false, nextRun: null });
    });

    it('should answer 404 for an unknown job', async () => {
      const res = await t.http.post(`${JOBS}/defragment/run`).set(ADMIN).expect(404);
      expect(res.body).toMatchObject({ code: 'job_not_found' });
    });

    it('should run compaction now and record the run', async () => {
      if (db === 'sqlite') {
        // Free pages to give back: a table filled and dropped.
        await t.dataSource.query('CREATE TABLE scratch (b BLOB)');
        await t.dataSource.query(
          'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) ' +
            'INSERT INTO scratch SELECT randomblob(4000) FROM n',
        );
        await t.dataSource.query('DROP TABLE scratch');
        const [{ freelist_count: before }] = await t.dataSource.query('PRAGMA freelist_count');
        expect(before).toBeGreaterThan(500);
      }
      const res = await t.http.post(`${JOBS}/compaction/run`).set(ADMIN).expect(200);
      expect(res.body).toMatchObject({ outcome: 'success', trigger: 'manual' });
      if (db === 'sqlite') {
        expect(res.body.detail).toMatch(/^vacuumed \d+ pages in \d+ steps; checkpointed/);
        const [{ freelist_count: after }] = await t.dataSource.query('PRAGMA freelist_count');
        expect(after).toBe(0);
        expect(statSync(join(t.dataDir, 'phoenix.db-wal')).size).toBe(0);
      } else {
        expect(res.body.detail).toMatch(/^analyzed \d+ tables$/);
      }
      const list = await t.http.get(JOBS).set(ADMIN).expect(200);
      expect(list.body.jobs[0].lastRun).toEqual(res.body);
      await expect(
        metric(t, 'phoenix_maintenance_job_last_success_timestamp_seconds', {
          job_name: 'compaction',
        }),
      ).resolves.toBeGreaterThan(Date.now() / 1000 - 60);
    });

    it('should forget expired memories in cleanup, and nothing else', async () => {
      const expiring = await store(t, { content: { n: 1 }, ttlSeconds: 1 });
      const pinned = await store(t, { content: { n: 2 }, ttlSeconds: 1, pinned: true });
      const kept = await store(t, { content: { n: 3 } });
      await sleep(1100);
      const res = await t.http.post(`${JOBS}/cleanup/run`).set(ADMIN).expect(200);
      expect(res.body).toMatchObject({ outcome: 'success' });
      expect(res.body.detail).toMatch(
        /^forgot 1 memories \(1 expired, 0 faded\); pruned \d+ tree heads$/,
      );
      await t.http.get(`/api/v1/memories/${expiring}`).expect(410);
      await t.http.get(`/api/v1/memories/${kept}`).expect(200);
      const rows: Array<{ id: string; forgotten_at: unknown }> = await t.dataSource
        .createQueryBuilder()
        .select(['id', 'forgotten_at'])
        .from('memories', 'm')
        .where('id IN (:...ids)', { ids: [expiring, pinned, kept] })
        .getRawMany();
      const forgotten = Object.fromEntries(rows.map((r) => [r.id, r.forgotten_at !== null]));
      // Pinned memories are never forgotten by cleanup, expired or not.
      expect(forgotten).toEqual({ [expiring]: true, [pinned]: false, [kept]: false });
    });

    it('should check integrity now', async () => {
      await store(t, { content: { n: 4 } });
      const res = await t.http.post(`${JOBS}/integrity/run`).set(ADMIN).expect(200);
      expect(res.body).toMatchObject({ outcome: 'success' });
      expect(res.body.detail).toMatch(
        /log: (\d+) leaves verified \(0 to \1 of \1\); the root of \1 leaves matches$/,
      );
      if (db === 'sqlite') {
        expect(res.body.detail).toMatch(/^quick_check ok; /);
      }
    });

    it('should take a backup now and keep the newest PHOENIX_BACKUP_KEEP', async () => {
      const first = await t.http.post(`${JOBS}/backup/run`).set(ADMIN).expect(200);
      if (db === 'postgres') {
        expect(first.body).toMatchObject({ outcome: 'skipped', detail: 'use pg_dump' });
        return;
      }
      expect(first.body).toMatchObject({ outcome: 'success' });
      const file = /backups\/(phoenix-[^ ]+\.db)/.exec(first.body.detail)?.[1] ?? '';
      const backup = new BetterSqlite3(join(t.dataDir, 'backups', file), { readonly: true });
      try {
        expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
        const count = (backup.prepare('SELECT count(*) AS n FROM memories').get() as { n: number })
          .n;
        const [{ n }] = await t.dataSource.query('SELECT count(*) AS n FROM memories');
        expect(count).toBe(Number(n));
      } finally {
        backup.close();
      }
      await t.http.post(`${JOBS}/backup/run`).set(ADMIN).expect(200);
      await t.http.post(`${JOBS}/backup/run`).set(ADMIN).expect(200);
      const files = readdirSync(join(t.dataDir, 'backups')).filter((f) => f.endsWith('.db'));
      expect(files).toHaveLength(2);
      expect(files).not.toContain(file);
    });

    it('should refuse to start a job that is running (409)', async () => {
      const gate = latch();
      let entered = false;
      stubCompaction(t, async () => {
        entered = true;
        await gate.promise;
        return { outcome: 'success' };
      });
      const first = t.http
        .post(`${JOBS}/compaction/run`)
        .set(ADMIN)
        .then((r) => r);
      await eventually(() => Promise.resolve(expect(entered).toBe(true)));
      await t.http
        .post(`${JOBS}/compaction/run`)
        .set(ADMIN)
        .expect(409, /job_running/);
      gate.release();
      expect((await first).status).toBe(200);
    });
  });

  describe('a job that outlives its timeout', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: { PHOENIX_ADMIN_TOKEN: TOKEN, PHOENIX_MAINTENANCE_TIMEOUT_MS: '1000' },
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should be aborted, reported as a timeout, and not overlapped while it winds down', async () => {
      const failures = await metric(t, 'phoenix_maintenance_job_failures_total', {
        job_name: 'compaction',
      });
      // After the abort it goes on until the test lets it stop, as a job finishing its current
      // step would.
      const windDown = latch();
      const run = stubCompaction(
        t,
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              void windDown.promise.then(() => reject(signal.reason as Error));
            });
          }),
      );
      const res = await t.http.post(`${JOBS}/compaction/run`).set(ADMIN).expect(200);
      expect(res.body).toMatchObject({ outcome: 'timeout', error: 'timed out after 1000 ms' });
      expect(res.body.durationMs).toBeGreaterThanOrEqual(990);
      await expect(compactionView(t)).resolves.toMatchObject({ running: true });
      await t.http.post(`${JOBS}/compaction/run`).set(ADMIN).expect(409);
      windDown.release();
      await eventually(async () =>
        expect(await compactionView(t)).toMatchObject({ running: false }),
      );
      run.mockRestore();
      await t.http
        .post(`${JOBS}/compaction/run`)
        .set(ADMIN)
        .expect(200, /"outcome":"success"/);
      await expect(
        metric(t, 'phoenix_maintenance_job_failures_total', { job_name: 'compaction' }),
      ).resolves.toBe(failures + 1);
    });
  });

  describe('the schedule', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: {
          PHOENIX_ADMIN_TOKEN: TOKEN,
          // Every second (cron with seconds), the other jobs off.
          PHOENIX_MAINTENANCE_COMPACTION_CRON: '* * * * * *',
          PHOENIX_MAINTENANCE_CLEANUP_ENABLED: 'false',
          PHOENIX_MAINTENANCE_INTEGRITY_ENABLED: 'false',
          PHOENIX_MAINTENANCE_BACKUP_ENABLED: 'false',
        },
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should run a job on its cron, skip and count ticks that find it running', async () => {
      const overlaps = await metric(t, 'phoenix_maintenance_job_skipped_total', {
        job_name: 'compaction',
        reason: 'overlap',
      });
      let running = 0;
      let maxRunning = 0;
      let runs = 0;
      const gate = latch();
      stubCompaction(t, async () => {
        runs += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running -= 1;
        return { outcome: 'success' };
      });
      await eventually(() => Promise.resolve(expect(runs).toBe(1)));
      // Ticks keep coming while it runs; each one is skipped and counted, none starts a run.
      await eventually(
        async () =>
          expect(
            await metric(t, 'phoenix_maintenance_job_skipped_total', {
              job_name: 'compaction',
              reason: 'overlap',
            }),
          ).toBeGreaterThanOrEqual(overlaps + 2),
        10_000,
        100,
      );
      expect(runs).toBe(1);
      expect(maxRunning).toBe(1);
      await expect(compactionView(t)).resolves.toMatchObject({ running: true });
      gate.release();
      // Once it has finished, the next tick runs it again.
      await eventually(() => Promise.resolve(expect(runs).toBeGreaterThanOrEqual(2)), 10_000);
      expect(maxRunning).toBe(1);
    });
  });

  describe('the integrity job on a tampered log', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: TOKEN } });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should fail and count the failure when a row no longer matches its leaf', async () => {
      const ids = [];
      for (let n = 0; n < 5; n += 1) {
        ids.push(await store(t, { content: { n }, tags: ['a'] }));
      }
      await t.http
        .post(`${JOBS}/integrity/run`)
        .set(ADMIN)
        .expect(200, /"outcome":"success"/);
      const before = await metric(t, 'phoenix_maintenance_integrity_failures_total', {
        check: 'merkle',
      });
      await t.dataSource
        .createQueryBuilder()
        .update('memories')
        .set({ tags: '["b"]' })
        .where('id = :id', { id: ids[2] })
        .execute();
      const res = await t.http.post(`${JOBS}/integrity/run`).set(ADMIN).expect(200);
      expect(res.body).toMatchObject({ outcome: 'failure' });
      expect(res.body.error).toContain('leaf_mismatch');
      expect(res.body.error).toContain(ids[2]);
      await expect(
        metric(t, 'phoenix_maintenance_integrity_failures_total', { check: 'merkle' }),
      ).resolves.toBe(before + 1);
    });
  });

  if (db === 'postgres') {
    describe('two instances on one PostgreSQL schema', () => {
      let a: TestApp;
      let b: TestApp;

      beforeAll(async () => {
        a = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: TOKEN } });
        b = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: TOKEN }, shareSchemaWith: a });
      });

      afterAll(async () => {
        await b.destroy();
        await a.destroy();
      });

      it('should let only one of them run a job at a time (advisory lock)', async () => {
        const inside = latch();
        const gate = latch();
        stubCompaction(a, async () => {
          inside.release();
          await gate.promise;
          return { outcome: 'success' };
        });
        // then() sends the request (supertest is lazy); it waits in the stubbed job.
        const first = a.http
          .post(`${JOBS}/compaction/run`)
          .set(ADMIN)
          .then((res) => res);
        await inside.promise;
        const second = await b.http.post(`${JOBS}/compaction/run`).set(ADMIN).expect(200);
        expect(second.body).toMatchObject({
          outcome: 'skipped',
          detail: 'another instance holds the lock and runs the job',
        });
        gate.release();
        expect((await first).body).toMatchObject({ outcome: 'success' });
        await b.http
          .post(`${JOBS}/compaction/run`)
          .set(ADMIN)
          .expect(200, /"outcome":"success"/);
      });
    });
  }
});
