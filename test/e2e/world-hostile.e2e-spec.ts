import { MAX_NAME_CHARS } from '../../src/common/text-rules';
import type { ComponentStatus } from '../../src/kernel';
import { eventually } from './utils/eventually';
import { describeEachDatabase } from './utils/databases';
import { refuseInserts } from './utils/refusing-trigger';
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

  it('should skip an observation the database refuses for good and keep projecting', async () => {
    const allow = await refuseInserts(t.dataSource, db, {
      name: 'refuse_poison_fact',
      table: 'world_facts',
      column: 'subject',
      value: 'poison',
      message: 'poison refused',
    });
    try {
      const poison = await t.http
        .post('/api/v1/world/observations')
        .send({ facts: [{ subject: 'poison', predicate: 'p', object: 1 }] })
        .expect(201);
      await t.http
        .post('/api/v1/world/observations')
        .send({ facts: [{ subject: 'after-poison', predicate: 'p', object: 2 }] })
        .expect(201);
      await caughtUp();
      const skipped = await t.http.get('/api/v1/world/skipped?limit=100').expect(200);
      const item = (skipped.body.items as Array<{ memoryId: string; reason: string }>).find(
        (s) => s.memoryId === poison.body.memoryId,
      );
      expect(item?.reason).toMatch(/^could not be projected \(\w+\); retrying cannot fix it$/);
      await t.http.get('/api/v1/world/entities/after-poison').expect(200);
      await t.http.get('/api/v1/world/entities/poison').expect(404);
      const status = await worldModel();
      expect(status.state).toBe('running');
      expect(status.restarts).toBe(0);
    } finally {
      await allow();
    }
  });

  it.each([
    ['ASCII', 'a'],
    ['four-byte', '\u{1F600}'],
  ])('should answer GET for every %s subject the observations route accepts', async (_, unit) => {
    const longest = unit.repeat(MAX_NAME_CHARS - 1) + 'z';
    await t.http
      .post('/api/v1/world/observations')
      .send({ facts: [{ subject: longest, predicate: 'p', object: 1 }] })
      .expect(201);
    await caughtUp();
    const res = await t.http
      .get(`/api/v1/world/entities/${encodeURIComponent(longest)}`)
      .expect(200);
    expect(res.body.subject).toBe(longest);
    const tooLong = longest + 'z';
    await t.http
      .post('/api/v1/world/observations')
      .send({ facts: [{ subject: tooLong, predicate: 'p', object: 1 }] })
      .expect(400);
    await t.http.get(`/api/v1/world/entities/${encodeURIComponent(tooLong)}`).expect(400);
  });
});
