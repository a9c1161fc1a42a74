import type { ComponentStatus } from '../../src/kernel';
import { eventually } from './utils/eventually';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

/** Memory content whose keys are the names of Object.prototype's members: data, not methods. */
describeEachDatabase('World model with hostile observations (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_WORLD_CATCHUP_INTERVAL_MS: '100' } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const worldModel = async (): Promise<ComponentStatus> => {
    const res = await t.http.get('/api/v1/kernel/components').expect(200);
    return (res.body.components as ComponentStatus[]).find((c) => c.name === 'world-model')!;
  };
  const treeSize = async () =>
    Number((await t.dataSource.query('SELECT tree_size FROM log_state WHERE id = 1'))[0].tree_size);
  const caughtUp = () =>
    eventually(async () => {
      const res = await t.http.get('/api/v1/world/coherence').expect(200);
      expect(res.body.projection).toBe('running');
      expect(res.body.cursor).toBe((await treeSize()) - 1);
    });

  it.each([
    [{ constructor: 1 }],
    [{ toString: 'x', valueOf: 2, hasOwnProperty: null }],
    [{ facts: [{ subject: 's', predicate: 'p', object: 1, constructor: 1 }] }],
    [{ facts: [{ subject: 's', predicate: 'p', object: 1, isPrototypeOf: 2 }] }],
  ])('should store %j faithfully and skip it without wedging the projection', async (content) => {
    const stored = await t.http
      .post('/api/v1/memories')
      .send({ kind: 'observation', content })
      .expect(201);
    const read = await t.http.get(`/api/v1/memories/${stored.body.id}`).expect(200);
    expect(read.body.content).toEqual(content);
    expect(Object.keys(read.body.content as object)).toEqual(Object.keys(content).sort());
    await caughtUp();
    const skipped = await t.http.get('/api/v1/world/skipped?limit=100').expect(200);
    expect(skipped.body.items).toContainEqual(
      expect.objectContaining({ memoryId: stored.body.id, reason: expect.any(String) }),
    );
    const later = await t.http
      .post('/api/v1/world/observations')
      .send({ facts: [{ subject: `after-${stored.body.id}`, predicate: 'p', object: 'ok' }] })
      .expect(201);
    await caughtUp();
    const entity = await t.http.get(`/api/v1/world/entities/after-${stored.body.id}`).expect(200);
    expect(JSON.stringify(entity.body)).toContain('ok');
    expect(later.body).toBeTruthy();
    const status = await worldModel();
    expect(status.state).toBe('running');
    expect(status.restarts).toBe(0);
  });
});
