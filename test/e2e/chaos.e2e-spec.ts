import { EventEmitter2 } from '@nestjs/event-emitter';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyMemory } from '../../src/modules/memory/cli/verify';
import {
  COMPONENT_STATE_CHANGED,
  type ComponentName,
  type ComponentStateChangedEvent,
} from '../../src/kernel';
import {
  AUTH,
  CHAOS_ENV,
  clearFaults,
  drive,
  injectFault,
  stateOf,
  tally,
  Tally,
  waitFor,
} from './utils/chaos';
import { describeEachDatabase } from './utils/databases';
import { eventually } from './utils/eventually';
import { TestApp } from './utils/test-app';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const COMPONENTS: ComponentName[] = ['memory', 'conscience', 'world-model'];
const EVALUATION = { action: { type: 'send_email', target: 'user:1', reversible: true } };

/** Every request answered 200 (or 201): the component serving it was untouched. */
function expectAllOk(t: Tally): void {
  expect(t.total).toBeGreaterThan(5);
  const ok = (t.byStatus[200] ?? 0) + (t.byStatus[201] ?? 0);
  expect({ ok, byStatus: t.byStatus }).toEqual({ ok: t.total, byStatus: t.byStatus });
}

/** Only 2xx and 503: a failing component never causes a 500 or a hang. */
function expectOnly2xxOr503(t: Tally): void {
  const statuses = Object.keys(t.byStatus).map(Number);
  expect(statuses.filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
}

describeEachDatabase('Chaos: component failures stay contained (e2e)', (db) => {
  let t: TestApp;
  const acknowledged: string[] = [];

  beforeAll(async () => {
    t = await TestApp.create({ db, env: CHAOS_ENV });
  });

  afterAll(async () => {
    await t.destroy();
  });

  afterEach(async () => {
    await clearFaults(t);
    for (const name of COMPONENTS) {
      if ((await stateOf(t, name)) === 'stopped') {
        await t.http.post(`/api/v1/admin/components/${name}/start`).set(AUTH).expect(200);
      }
      await waitFor(t, name, ['running', 'degraded'], 8000);
    }
  });

  const store = async (content: unknown, kind?: string) => {
    const res = await t.http.post('/api/v1/memories').timeout(4000).send({ content, kind });
    if (res.status === 201) {
      acknowledged.push(res.body.id);
    }
    return res;
  };
  const observation = (subject: string, value: number) =>
    store({ facts: [{ subject, predicate: 'value', object: value }] }, 'observation');
  const coherence = async () => (await t.http.get('/api/v1/world/coherence').expect(200)).body;
  const conscienceReads = (i: number) =>
    i % 3 === 0
      ? t.http.get('/api/v1/conscience/axioms')
      : i % 3 === 1
        ? t.http.get('/api/v1/conscience/alignment')
        : t.http.get('/api/v1/conscience/evaluations?limit=5');
  let n = 0;

  it('1: memory fails; conscience reads and world queries keep 100% success; memory recovers by itself', async () => {
    await t.http.post('/api/v1/conscience/evaluations').send(EVALUATION).expect(201);
    await injectFault(t, 'memory', 'crash', 1200);
    const window = sleep(1200);
    const [mem, cons, world] = [tally(), tally(), tally()];
    await Promise.all([
      drive(() => t.http.get('/api/v1/log/head'), window, mem, 20),
      drive(() => conscienceReads(n++), window, cons),
      drive(() => t.http.get('/api/v1/world/coherence'), window, world),
    ]);
    expect(mem.byStatus[503]).toBeGreaterThan(0);
    expectOnly2xxOr503(mem);
    expectAllOk(cons);
    expectAllOk(world);
    await waitFor(t, 'memory', ['running'], 3000);
    expect((await store('after memory recovered')).status).toBe(201);
  });

  it('2: conscience fails; memory and world keep 100% success; conscience recovers by itself', async () => {
    await injectFault(t, 'conscience', 'crash', 1200);
    const window = sleep(1200);
    const [cons, mem, world] = [tally(), tally(), tally()];
    await Promise.all([
      drive(() => t.http.post('/api/v1/conscience/evaluations').send(EVALUATION), window, cons, 20),
      drive(() => store(`during conscience failure ${n++}`), window, mem),
      drive(() => t.http.get('/api/v1/world/entities?limit=10'), window, world),
    ]);
    expect(cons.byStatus[503]).toBeGreaterThan(0);
    expectOnly2xxOr503(cons);
    expectAllOk(mem);
    expectAllOk(world);
    await waitFor(t, 'conscience', ['running', 'degraded'], 3000);
    await t.http.post('/api/v1/conscience/evaluations').send(EVALUATION).expect(201);
  });

  it('3: the world model fails; memory writes neither fail nor slow down; it catches up after', async () => {
    const baseline = tally();
    const latencies = async (into: number[], count: number, prefix: string) => {
      for (let i = 0; i < count; i += 1) {
        const started = performance.now();
        const res = await observation(`${prefix}-${i}`, i);
        into.push(performance.now() - started);
        baseline.total += 1;
        baseline.byStatus[res.status] = (baseline.byStatus[res.status] ?? 0) + 1;
      }
    };
    // Every phase runs beside the same coherence poller, so the fault is the only difference.
    const healthy = async (prefix: string): Promise<number[]> => {
      const into: number[] = [];
      const writing = latencies(into, 60, prefix);
      await Promise.all([
        writing,
        drive(() => t.http.get('/api/v1/world/coherence'), writing, tally(), 20),
      ]);
      return into;
    };
    const before = await healthy('before');
    await injectFault(t, 'world-model', 'crash', 1500);
    const window = sleep(1500);
    const during: number[] = [];
    const world = tally();
    await Promise.all([
      drive(() => t.http.get('/api/v1/world/coherence'), window, world, 20),
      latencies(during, 60, 'during'),
    ]);
    expect(world.byStatus[503]).toBeGreaterThan(0);
    expectOnly2xxOr503(world);
    expectAllOk(baseline);
    await waitFor(t, 'world-model', ['running'], 3000);
    const deadline = Date.now() + 5000;
    let state = await coherence();
    while (state.lag > 0 && Date.now() < deadline) {
      await sleep(50);
      state = await coherence();
    }
    expect(state.lag).toBe(0);
    const fact = await t.http.get('/api/v1/world/entities/during-59').expect(200);
    expect(JSON.stringify(fact.body)).toContain('59');
    // The world model's failure costs memory writes nothing (same median within noise). The
    // healthy baseline is taken on both sides of the failure, so that a shared host slowing
    // down for a while (by as much as 2x here) is not mistaken for the failure's cost.
    const after = await healthy('after');
    expectAllOk(baseline);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const healthyMedian = Math.max(median(before), median(after));
    expect(median(during) / healthyMedian).toBeLessThan(2);
  });

  it('4: two of three fail at once; the third serves at 100%', async () => {
    await injectFault(t, 'conscience', 'crash', 1200);
    await injectFault(t, 'world-model', 'crash', 1200);
    const window = sleep(1200);
    const [mem, cons, world] = [tally(), tally(), tally()];
    await Promise.all([
      drive(() => store(`two down ${n++}`), window, mem),
      drive(() => t.http.get('/api/v1/conscience/axioms'), window, cons, 20),
      drive(() => t.http.get('/api/v1/world/coherence'), window, world, 20),
    ]);
    expect(cons.byStatus[503]).toBeGreaterThan(0);
    expect(world.byStatus[503]).toBeGreaterThan(0);
    expectAllOk(mem);

    await clearFaults(t);
    await waitFor(t, 'conscience', ['running', 'degraded']);
    await waitFor(t, 'world-model', ['running']);
    await injectFault(t, 'memory', 'crash', 1200);
    await injectFault(t, 'conscience', 'crash', 1200);
    const second = sleep(1200);
    const worldOnly = tally();
    await Promise.all([
      drive(() => t.http.get('/api/v1/world/entities?limit=5'), second, worldOnly),
      drive(() => t.http.get('/api/v1/log/head'), second, tally(), 20),
      drive(
        () => t.http.post('/api/v1/conscience/evaluations').send(EVALUATION),
        second,
        tally(),
        20,
      ),
    ]);
    expectAllOk(worldOnly);
  });

  it('5: ten rapid stop/start cycles of each component leave a consistent state and leak nothing', async () => {
    const events = t.app.get(EventEmitter2);
    const listeners = () =>
      events.eventNames().reduce((sum, e) => sum + events.listeners(e).length, 0);
    // Each idle PostgreSQL client holds its pool's idle timer, and a busy one its query's: how
    // many there are depends on the last burst of queries, not on a leak. Count at rest, without
    // them.
    const pool = () =>
      db === 'postgres'
        ? (t.dataSource.driver as unknown as { master: { idleCount: number; totalCount: number } })
            .master
        : { idleCount: 0, totalCount: 0 };
    const resources = async () => {
      await eventually(() => Promise.resolve(expect(pool().idleCount).toBe(pool().totalCount)));
      // The fewest over 10 samples 25 ms apart: a timer of work in progress (a projection
      // unit's pause, a query's) comes and goes, a leaked resource stays in every sample.
      let fewest = Infinity;
      for (let sample = 0; sample < 10; sample += 1) {
        const count =
          process.getActiveResourcesInfo().filter(
            (r) =>
              r !== 'TTYWrap' &&
              r !== 'TCPSocketWrap' &&
              // supertest's ephemeral server, closing or not at that instant
              r !== 'TCPServerWrap' &&
              r !== 'SimpleShutdownWrap',
          ).length - pool().idleCount;
        fewest = Math.min(fewest, count);
        await sleep(25);
      }
      return fewest;
    };
    // Warm up one cycle so lazily created resources exist before measuring.
    for (const name of COMPONENTS) {
      await t.http.post(`/api/v1/admin/components/${name}/restart`).set(AUTH).expect(200);
      await waitFor(t, name, ['running', 'degraded']);
    }
    gc();
    const before = {
      resources: await resources(),
      listeners: listeners(),
      heap: process.memoryUsage().heapUsed,
    };
    for (const name of COMPONENTS) {
      for (let cycle = 0; cycle < 10; cycle += 1) {
        await t.http.post(`/api/v1/admin/components/${name}/stop`).set(AUTH).expect(200);
        expect(await stateOf(t, name)).toBe('stopped');
        await t.http.post(`/api/v1/admin/components/${name}/start`).set(AUTH).expect(200);
      }
      await waitFor(t, name, ['running', 'degraded']);
    }
    await sleep(200);
    gc();
    const after = {
      resources: await resources(),
      listeners: listeners(),
      heap: process.memoryUsage().heapUsed,
    };
    expect(after.listeners).toBe(before.listeners);
    expect(after.resources - before.resources).toBeLessThanOrEqual(0);
    expect(after.heap - before.heap).toBeLessThan(8 * 1024 * 1024);
    // Consistent afterwards: writes, evaluations and the projection all work, the log verifies.
    expect((await observation('after-cycles', 1)).status).toBe(201);
    await t.http.post('/api/v1/conscience/evaluations').send(EVALUATION).expect(201);
    const report = await t.http.post('/api/v1/admin/log/verify').set(AUTH).expect(200);
    expect(report.body.ok).toBe(true);
  });

  it('6: failure during 50 concurrent operations: acknowledged writes persist, failures are 503', async () => {
    const results: Array<Promise<{ status: number; body: { id?: string } }>> = [];
    for (let i = 0; i < 50; i += 1) {
      results.push(store({ concurrent: i }));
      if (i === 15) {
        await injectFault(t, 'memory', 'crash', 400);
      }
      await sleep(2);
    }
    const answers = await Promise.all(results);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
    await clearFaults(t);
    await waitFor(t, 'memory', ['running']);
    for (const answer of answers.filter((a) => a.status === 201)) {
      await t.http.get(`/api/v1/memories/${answer.body.id}`).expect(200);
    }
  });

  it('7: with memory down, evaluations fail fast with 503 and the world model pauses, then resumes from its cursor', async () => {
    await observation('cascade-before', 1);
    await t.http.post('/api/v1/admin/components/memory/stop').set(AUTH).expect(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post('/api/v1/conscience/evaluations').send(EVALUATION),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(503));
    expect(answers[0].body).toMatchObject({ code: 'component_unavailable', component: 'memory' });
    expect(answers[0].headers['retry-after']).toBeDefined();
    // Fast: each was turned away because memory is stopped, none by the component timeout
    // ("no answer within …"), i.e. nothing waited for memory to come back.
    expect(new Set(answers.map((a) => a.body.detail))).toEqual(
      new Set(['The memory component is not available: it is stopped (stopped by an operator)']),
    );
    await sleep(300);
    expect(await stateOf(t, 'world-model')).toMatch(/running|degraded/);
    const paused = await coherence();

    await t.http.post('/api/v1/admin/components/memory/start').set(AUTH).expect(200);
    await waitFor(t, 'memory', ['running']);
    for (let i = 0; i < 5; i += 1) {
      expect((await observation(`cascade-after-${i}`, i)).status).toBe(201);
    }
    const deadline = Date.now() + 5000;
    let state = await coherence();
    while (state.lag > 0 && Date.now() < deadline) {
      await sleep(50);
      state = await coherence();
    }
    expect(state.lag).toBe(0);
    expect(state.cursor).toBeGreaterThanOrEqual(paused.cursor + 5);
    await t.http.get('/api/v1/world/entities/cascade-after-4').expect(200);
  });

  it('8: total failure; all three run again within 1 s of the faults clearing, and every memory verifies', async () => {
    const failures: ComponentStateChangedEvent[] = [];
    const events = t.app.get(EventEmitter2);
    const record = (event: ComponentStateChangedEvent) => {
      if (event.to === 'failed') {
        failures.push(event);
      }
    };
    events.on(COMPONENT_STATE_CHANGED, record);
    try {
      for (const name of COMPONENTS) {
        await injectFault(t, name, 'crash', 10_000);
      }
      await t.http.get('/api/v1/log/head').expect(503);
      await t.http.get('/api/v1/conscience/axioms').expect(503);
      await t.http.get('/api/v1/world/coherence').expect(503);
    } finally {
      events.off(COMPONENT_STATE_CHANGED, record);
    }
    // Each went down on the injected crash (the supervisor may have restarted it since, to be
    // crashed again by its next call while the faults last).
    for (const name of COMPONENTS) {
      expect(failures.find((f) => f.name === name)).toMatchObject({
        reason: 'injected crash fault',
      });
    }
    const cleared = performance.now();
    await clearFaults(t);
    for (const name of COMPONENTS) {
      await waitFor(t, name, ['running', 'degraded'], 1000);
    }
    expect(performance.now() - cleared).toBeLessThan(1000);

    const url = await t.listen();
    for (const id of acknowledged) {
      await expect(verifyMemory({ url, id })).resolves.toMatchObject({ head: expect.any(Object) });
    }
    const report = await t.http.post('/api/v1/admin/log/verify').set(AUTH).expect(200);
    expect(report.body).toMatchObject({ ok: true, mismatches: [] });
  });
});
