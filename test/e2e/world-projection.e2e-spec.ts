import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentStatus } from '../../src/kernel';
import { WorldModelComponent } from '../../src/modules/world-model/world-model.component';
import { eventually } from './utils/eventually';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const TOKEN = 'world-e2e-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const INTERVAL_MS = 100;

describeEachDatabase('World model projection (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({
      db,
      env: {
        PHOENIX_ADMIN_TOKEN: TOKEN,
        PHOENIX_WORLD_CATCHUP_INTERVAL_MS: String(INTERVAL_MS),
        PHOENIX_WORLD_BATCH_LEAVES: '7',
      },
    });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const admin = (name: string, action: 'stop' | 'start') =>
    t.http.post(`/api/v1/admin/components/${name}/${action}`).set(AUTH).expect(200);
  const component = async (name: string): Promise<ComponentStatus> => {
    const res = await t.http.get('/api/v1/kernel/components').expect(200);
    return (res.body.components as ComponentStatus[]).find(
      (c) => c.name === name,
    ) as ComponentStatus;
  };
  const observe = (subject: string, object: unknown) =>
    t.http
      .post('/api/v1/world/observations')
      .send({ facts: [{ subject, predicate: 'value', object }] })
      .expect(201);
  const treeSize = async () =>
    Number((await t.dataSource.query('SELECT tree_size FROM log_state WHERE id = 1'))[0].tree_size);
  const cursor = async () =>
    Number(
      (
        await t.dataSource.query(
          "SELECT applied_through FROM world_projection WHERE state = 'active'",
        )
      )[0].applied_through,
    );
  const caughtUp = () =>
    eventually(async () => {
      const res = await t.http.get('/api/v1/world/coherence').expect(200);
      expect(res.body.projection).toBe('running');
      expect(res.body.cursor).toBe((await treeSize()) - 1);
      expect(res.body.lag).toBe(0);
      return res.body;
    });
  const valueOf = async (subject: string) =>
    (await t.http.get(`/api/v1/world/entities/${subject}`).expect(200)).body.items.map(
      (f: { object: unknown }) => f.object,
    );
  const snapshot = async () =>
    t.dataSource.query(
      `SELECT id, subject, predicate, object, status, valid_from, valid_to, superseded_by, conflict_id
       FROM world_facts f WHERE generation = (SELECT generation FROM world_projection WHERE state = 'active')
       ORDER BY id`,
    );

  it('should keep accepting observations while stopped, and catch up from its cursor when started', async () => {
    await observe('before-stop', 1);
    await caughtUp();
    await admin('world-model', 'stop');
    expect(t.app.get(WorldModelComponent).projectionState()).toBe('stopped');
    const stoppedAt = await cursor();
    for (let i = 0; i < 20; i += 1) {
      await observe(`while-stopped-${i}`, i);
    }
    for (let i = 0; i < 5; i += 1) {
      await t.http
        .post('/api/v1/memories')
        .send({
          kind: 'observation',
          content: { facts: [{ subject: `via-memories-${i}`, predicate: 'value', object: i }] },
        })
        .expect(201);
    }
    const closed = await t.http.get('/api/v1/world/coherence').expect(503);
    expect(closed.body.code).toBe('component_unavailable');
    expect(closed.headers['retry-after']).toBeDefined();
    // Nothing runs while it is stopped: no unit, no timer.
    await sleep(4 * INTERVAL_MS);
    expect(await cursor()).toBe(stoppedAt);

    await admin('world-model', 'start');
    const report = await caughtUp();
    expect(report.cursor).toBe(stoppedAt + 25);
    expect(await valueOf('while-stopped-19')).toEqual([19]);
    expect(await valueOf('via-memories-4')).toEqual([4]);
  });

  it('should withdraw the facts of observations forgotten while it was stopped', async () => {
    const stored = await observe('forgotten-while-stopped', 'secret');
    await caughtUp();
    await admin('world-model', 'stop');
    await t.http.delete(`/api/v1/memories/${stored.body.memoryId}`).expect(204);
    await admin('world-model', 'start');
    await eventually(async () => {
      await t.http.get('/api/v1/world/entities/forgotten-while-stopped').expect(404);
    });
  });

  it('should keep its state and cursor across a restart of the application', async () => {
    await observe('survivor', 'a');
    await observe('survivor', 'b');
    await caughtUp();
    const facts = await snapshot();
    const at = await cursor();
    await t.restart();
    const report = await caughtUp();
    expect(report.cursor).toBe(at);
    expect(await snapshot()).toEqual(facts);
    await observe('survivor', 'c');
    await caughtUp();
    expect(await valueOf('survivor')).toEqual(['c']);
  });

  it('should pause while memory is unavailable, without failing, and resume from its cursor', async () => {
    await admin('world-model', 'stop');
    await observe('paused', 1);
    await observe('paused', 2);
    const before = await component('world-model');
    await admin('memory', 'stop');
    await admin('world-model', 'start');
    const degraded = await eventually(async () => {
      const status = await component('world-model');
      expect(status.state).toBe('degraded');
      return status;
    });
    expect(degraded.reason).toContain('projection paused');
    await sleep(5 * INTERVAL_MS);
    const still = await component('world-model');
    expect(still).toMatchObject({ state: 'degraded', restarts: before.restarts });
    const report = await t.http.get('/api/v1/world/coherence').expect(200);
    expect(report.body.projection).toBe('paused');

    await admin('memory', 'start');
    await caughtUp();
    expect(await valueOf('paused')).toEqual([2]);
    expect((await component('world-model')).state).toBe('running');
  });

  it('should fail on a fatal projection error, be restarted, and never fail a memory write', async () => {
    await caughtUp();
    const before = await component('world-model');
    await t.dataSource.query('ALTER TABLE world_skipped RENAME TO world_skipped_away');
    try {
      // A malformed observation makes the projection write to the missing table.
      await t.http
        .post('/api/v1/memories')
        .send({ kind: 'observation', content: { facts: 'not a list' } })
        .expect(201);
      await eventually(async () => {
        const status = await component('world-model');
        expect(status.lastError).not.toBeNull();
        expect(status.lastError).not.toBe(before.lastError);
      });
      for (let i = 0; i < 10; i += 1) {
        const started = performance.now();
        await t.http.post('/api/v1/memories').send({ content: { i } }).expect(201);
        expect(performance.now() - started).toBeLessThan(1000);
      }
    } finally {
      await t.dataSource.query('ALTER TABLE world_skipped_away RENAME TO world_skipped');
    }
    const report = await eventually(caughtUp, 15_000);
    expect(report.skipped).toBeGreaterThanOrEqual(1);
    const after = await component('world-model');
    expect(after.state).toBe('running');
    expect(after.restarts).toBeGreaterThan(before.restarts);
  });
});
