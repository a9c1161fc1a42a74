import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const T = Date.UTC(2026, 0, 1, 8);
const H = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

interface Fact {
  id: string;
  subject: string;
  predicate: string;
  object: unknown;
  status: string;
  validFrom: string;
  validTo: string | null;
  supersededBy: string | null;
  conflictId: string | null;
  sourceMemoryId: string;
}

describeEachDatabase('World model (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_WORLD_MAX_FACTS: '5' } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const observe = (facts: object[], extra: object = {}) =>
    t.http.post('/api/v1/world/observations').send({ facts, ...extra });
  const treeSize = async () =>
    Number((await t.dataSource.query('SELECT tree_size FROM log_state WHERE id = 1'))[0].tree_size);

  /** Waits until the projection has applied every leaf; returns the coherence report. */
  async function caughtUp(): Promise<Record<string, number>> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await t.http.get('/api/v1/world/coherence');
      const size = await treeSize();
      if (res.status === 200 && res.body.lag === 0 && res.body.treeSize >= size) {
        return res.body;
      }
      if (Date.now() > deadline) {
        throw new Error(`projection did not catch up: ${JSON.stringify(res.body)}`);
      }
      await sleep(20);
    }
  }

  const current = async (subject: string, query = ''): Promise<Fact[]> => {
    const res = await t.http
      .get(`/api/v1/world/entities/${encodeURIComponent(subject)}${query}`)
      .expect(200);
    return res.body.items;
  };
  const history = async (subject: string): Promise<Fact[]> =>
    (await t.http.get(`/api/v1/world/entities/${encodeURIComponent(subject)}/history`).expect(200))
      .body.items;

  describe('observations', () => {
    it('should store an observation memory and make its facts visible with the defaults', async () => {
      const res = await observe([{ subject: 'room:1', predicate: 'temperature', object: 21.5 }], {
        source: 'thermostat-7',
      }).expect(201);
      expect(res.body).toMatchObject({ facts: 1, leafIndex: expect.any(Number) });
      expect(res.body.recordedAt).toMatch(ISO_MS);
      const memory = await t.http.get(`/api/v1/memories/${res.body.memoryId}`).expect(200);
      expect(memory.body).toMatchObject({
        kind: 'observation',
        content: {
          facts: [{ subject: 'room:1', predicate: 'temperature', object: 21.5 }],
          source: 'thermostat-7',
        },
      });
      await caughtUp();
      const [fact] = await current('room:1');
      expect(fact).toEqual({
        id: `${res.body.memoryId}:0`,
        subject: 'room:1',
        predicate: 'temperature',
        object: 21.5,
        confidence: 1,
        cardinality: 'one',
        validFrom: res.body.recordedAt,
        validTo: null,
        recordedAt: res.body.recordedAt,
        status: 'current',
        supersededBy: null,
        conflictId: null,
        sourceMemoryId: res.body.memoryId,
        sourceLeafIndex: res.body.leafIndex,
      });
    });

    it('should count an observation stored through the memory API the same', async () => {
      await t.http
        .post('/api/v1/memories')
        .send({
          kind: 'observation',
          content: { facts: [{ subject: 'door:1', predicate: 'open', object: true }] },
        })
        .expect(201);
      await caughtUp();
      expect((await current('door:1')).map((f) => f.object)).toEqual([true]);
    });

    it('should skip a malformed observation stored through the memory API, record why, and go on', async () => {
      const before = await caughtUp();
      const bad = await t.http
        .post('/api/v1/memories')
        .send({
          kind: 'observation',
          content: { facts: [{ subject: 'x', predicate: 'y', object: { nested: 1 } }] },
        })
        .expect(201);
      await t.http
        .post('/api/v1/memories')
        .send({ kind: 'observation', content: null })
        .expect(201);
      await observe([{ subject: 'after-bad', predicate: 'p', object: 'ok' }]).expect(201);
      const after = await caughtUp();
      expect(after.skipped).toBe(before.skipped + 2);
      expect(after.cursor).toBeGreaterThan(bad.body.leafIndex);
      expect((await current('after-bad')).map((f) => f.object)).toEqual(['ok']);
      const skipped = await t.http.get('/api/v1/world/skipped').expect(200);
      expect(skipped.body.items).toContainEqual({
        leafIndex: bad.body.leafIndex,
        memoryId: bad.body.id,
        reason: expect.stringContaining('facts[0].object'),
      });
      expect(await t.http.get('/api/v1/world/entities/x').expect(404)).toBeTruthy();
    });
  });

  describe('bad input', () => {
    const fact = { subject: 's', predicate: 'p', object: 1 };
    it.each([
      ['facts', 'empty', { facts: [] }],
      ['facts', 'missing', {}],
      [
        'facts[3].object',
        'an object',
        { facts: [fact, fact, fact, { ...fact, object: { a: 1 } }] },
      ],
      ['facts[1].object', 'an array', { facts: [fact, { ...fact, object: [1, 2] }] }],
      ['facts[0].subject', 'empty', { facts: [{ ...fact, subject: '' }] }],
      ['facts[0].predicate', 'too long', { facts: [{ ...fact, predicate: 'p'.repeat(257) }] }],
      ['facts[0].object', 'missing', { facts: [{ subject: 's', predicate: 'p' }] }],
      ['facts[0].confidence', 'above 1', { facts: [{ ...fact, confidence: 2 }] }],
      [
        'facts[0].validFrom',
        'not a date-time',
        { facts: [{ ...fact, validFrom: 'last tuesday' }] },
      ],
      ['facts[0].cardinality', 'unknown', { facts: [{ ...fact, cardinality: 'few' }] }],
      ['facts[0]', 'not an object', { facts: ['s p o'] }],
      ['facts', 'over PHOENIX_WORLD_MAX_FACTS', { facts: Array.from({ length: 6 }, () => fact) }],
      ['extra', 'not allowed', { facts: [fact], extra: 1 }],
    ])('should refuse %s (%s) with 400 naming it, storing nothing', async (field, _why, body) => {
      const size = await treeSize();
      const res = await t.http.post('/api/v1/world/observations').send(body).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('validation_failed');
      expect(Object.keys(res.body.errors)).toContain(field);
      expect(res.body.detail).toContain(field);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expect(await treeSize()).toBe(size);
    });

    it('should refuse bad queries with 400 naming the parameter', async () => {
      await observe([{ subject: 'q', predicate: 'p', object: 1 }]).expect(201);
      await caughtUp();
      for (const [url, field] of [
        ['/api/v1/world/entities/q?at=yesterday', 'at'],
        ['/api/v1/world/entities/q?at=2026-01-01T00:00:00', 'at'],
        ['/api/v1/world/entities?limit=1001', 'limit'],
        ['/api/v1/world/entities?cursor=bm9wZQ', 'cursor'],
        ['/api/v1/world/conflicts?cursor=bm9wZQ', 'cursor'],
      ]) {
        const res = await t.http.get(url).expect(400);
        expect(Object.keys(res.body.errors)).toContain(field);
      }
    });

    it('should answer 404 for a subject it knows nothing about', async () => {
      const res = await t.http.get('/api/v1/world/entities/nobody').expect(404);
      expect(res.body.code).toBe('entity_not_found');
      await t.http.get('/api/v1/world/entities/nobody/history').expect(404);
    });
  });

  describe('supersession and time', () => {
    it('should close the current fact when a newer one arrives, and keep it in history', async () => {
      const first = await observe([
        { subject: 'sky', predicate: 'colour', object: 'blue', validFrom: at(T) },
      ]).expect(201);
      const second = await observe([
        { subject: 'sky', predicate: 'colour', object: 'grey', validFrom: at(T + H) },
      ]).expect(201);
      await caughtUp();
      expect((await current('sky')).map((f) => f.object)).toEqual(['grey']);
      const [old, now] = await history('sky');
      expect(old).toMatchObject({
        object: 'blue',
        status: 'closed',
        validFrom: at(T),
        validTo: at(T + H),
        supersededBy: `${second.body.memoryId}:0`,
        sourceMemoryId: first.body.memoryId,
      });
      expect(now).toMatchObject({ object: 'grey', status: 'current', validTo: null });
    });

    it('should put an older fact into history without changing the present', async () => {
      await observe([
        { subject: 'lamp', predicate: 'state', object: 'on', validFrom: at(T + 2 * H) },
      ]).expect(201);
      await observe([
        { subject: 'lamp', predicate: 'state', object: 'off', validFrom: at(T) },
      ]).expect(201);
      await caughtUp();
      expect((await current('lamp')).map((f) => f.object)).toEqual(['on']);
      expect((await history('lamp')).map((f) => [f.object, f.status, f.validTo])).toEqual([
        ['off', 'closed', at(T + 2 * H)],
        ['on', 'current', null],
      ]);
    });

    it('should answer what held at any point in time', async () => {
      const subject = 'sky';
      expect((await current(subject, `?at=${at(T - 1)}`)).map((f) => f.object)).toEqual([]);
      expect((await current(subject, `?at=${at(T)}`)).map((f) => f.object)).toEqual(['blue']);
      expect((await current(subject, `?at=${at(T + H - 1)}`)).map((f) => f.object)).toEqual([
        'blue',
      ]);
      expect((await current(subject, `?at=${at(T + H)}`)).map((f) => f.object)).toEqual(['grey']);
      const res = await t.http
        .get(`/api/v1/world/entities/sky?at=${encodeURIComponent('2026-01-01T09:30:00+01:00')}`)
        .expect(200);
      expect(res.body.at).toBe(at(T + 30 * 60_000));
      expect(res.body.items.map((f: Fact) => f.object)).toEqual(['blue']);
    });

    it('should close the fact on a retraction and hold nothing after it', async () => {
      await observe([{ subject: 'car', predicate: 'parked', object: 'A1', validFrom: at(T) }]);
      const retraction = await observe([
        { subject: 'car', predicate: 'parked', object: null, validFrom: at(T + H) },
      ]).expect(201);
      await caughtUp();
      expect(await current('car')).toEqual([]);
      expect((await history('car')).map((f) => [f.object, f.status, f.supersededBy])).toEqual([
        ['A1', 'closed', `${retraction.body.memoryId}:0`],
        [null, 'retraction', null],
      ]);
      expect((await current('car', `?at=${at(T)}`)).map((f) => f.object)).toEqual(['A1']);
    });

    it('should keep every value of a many-valued predicate', async () => {
      await observe([
        { subject: 'ann', predicate: 'likes', object: 'tea', cardinality: 'many' },
        { subject: 'ann', predicate: 'likes', object: 'jazz', cardinality: 'many' },
      ]).expect(201);
      await caughtUp();
      expect((await current('ann')).map((f) => f.object).sort()).toEqual(['jazz', 'tea']);
    });
  });

  describe('conflicts and coherence', () => {
    it('should keep equal-confidence contradictions open, lower coherence, and settle them', async () => {
      const before = await caughtUp();
      const res = await observe([
        { subject: 'bob', predicate: 'city', object: 'Paris', validFrom: at(T), confidence: 0.8 },
        { subject: 'bob', predicate: 'city', object: 'Rome', validFrom: at(T), confidence: 0.8 },
      ]).expect(201);
      const during = await caughtUp();
      expect(during).toMatchObject({
        facts: before.facts + 2,
        conflictingFacts: before.conflictingFacts + 2,
        conflicts: before.conflicts + 1,
      });
      expect(during.coherence).toBeCloseTo(1 - during.conflictingFacts / during.facts, 12);
      expect(during.coherence).toBeLessThan(before.coherence);
      const conflicts = (await t.http.get('/api/v1/world/conflicts').expect(200)).body.items;
      const bob = conflicts.find((c: { subject: string }) => c.subject === 'bob');
      expect(bob).toMatchObject({ predicate: 'city', validFrom: at(T) });
      expect(bob.facts.map((f: Fact) => [f.id, f.object, f.status])).toEqual([
        [`${res.body.memoryId}:0`, 'Paris', 'current'],
        [`${res.body.memoryId}:1`, 'Rome', 'current'],
      ]);

      await observe([
        { subject: 'bob', predicate: 'city', object: 'Oslo', validFrom: at(T + H) },
      ]).expect(201);
      const after = await caughtUp();
      expect(after.conflicts).toBe(before.conflicts);
      expect(after.facts).toBe(before.facts + 1);
      const open = (await t.http.get('/api/v1/world/conflicts').expect(200)).body.items;
      expect(open.map((c: { subject: string }) => c.subject)).not.toContain('bob');
    });

    it('should count a lower-confidence claim at the same time as a conflict the stronger wins', async () => {
      await observe([
        { subject: 'eve', predicate: 'mood', object: 'calm', validFrom: at(T), confidence: 0.9 },
        { subject: 'eve', predicate: 'mood', object: 'angry', validFrom: at(T), confidence: 0.3 },
      ]).expect(201);
      await caughtUp();
      expect((await current('eve')).map((f) => [f.object, f.conflictId !== null])).toEqual([
        ['calm', true],
      ]);
      const [calm, angry] = await history('eve');
      expect(angry).toMatchObject({ status: 'outweighed', supersededBy: calm.id });
      const conflicts = (await t.http.get('/api/v1/world/conflicts').expect(200)).body.items;
      expect(conflicts.map((c: { subject: string }) => c.subject)).toContain('eve');
    });

    it('should match the coherence to the counts in the database', async () => {
      const report = await caughtUp();
      const [row] = await t.dataSource.query(
        `SELECT COUNT(*) AS facts, COUNT(conflict_id) AS conflicting FROM world_facts
         WHERE generation = ${report.generation} AND status = 'current'`,
      );
      expect(report.facts).toBe(Number(row.facts));
      expect(report.conflictingFacts).toBe(Number(row.conflicting));
      expect(report.coherence).toBeCloseTo(1 - Number(row.conflicting) / Number(row.facts), 12);
    });
  });

  describe('forgetting', () => {
    it('should withdraw the facts of a forgotten observation and re-derive what remains', async () => {
      const keep = await observe([
        { subject: 'kim', predicate: 'job', object: 'chef', validFrom: at(T) },
      ]).expect(201);
      const drop = await observe([
        { subject: 'kim', predicate: 'job', object: 'pilot', validFrom: at(T) },
        { subject: 'kim-secret', predicate: 'code', object: '1234' },
      ]).expect(201);
      await caughtUp();
      expect((await current('kim')).every((f) => f.conflictId !== null)).toBe(true);

      await t.http.delete(`/api/v1/memories/${drop.body.memoryId}`).expect(204);
      await caughtUp();
      const deadline = Date.now() + 3000;
      while ((await t.http.get('/api/v1/world/entities/kim-secret')).status !== 404) {
        if (Date.now() > deadline) {
          throw new Error('the forgotten facts were not withdrawn');
        }
        await sleep(20);
      }
      expect(await current('kim')).toMatchObject([
        { object: 'chef', status: 'current', conflictId: null, sourceMemoryId: keep.body.memoryId },
      ]);
      const rows = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM world_facts WHERE source_memory_id = '${drop.body.memoryId}'`,
      );
      expect(Number(rows[0].n)).toBe(0);
    });
  });

  describe('listing', () => {
    it('should page through entities by prefix with an opaque cursor, without gaps or duplicates', async () => {
      const subjects = Array.from({ length: 12 }, (_, i) => `page:${String(i).padStart(3, '0')}`);
      await observe(
        subjects.slice(0, 5).map((subject) => ({ subject, predicate: 'n', object: 1 })),
      );
      await observe(
        subjects.slice(5, 10).map((subject) => ({ subject, predicate: 'n', object: 1 })),
      );
      await observe(subjects.slice(10).map((subject) => ({ subject, predicate: 'n', object: 1 })));
      await observe([{ subject: 'pagex', predicate: 'n', object: 1 }]);
      await caughtUp();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `prefix=page%3A&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.http.get(`/api/v1/world/entities?${query}`).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(5);
        res.body.items.forEach((e: { subject: string; currentFacts: number }) => {
          expect(e.currentFacts).toBe(1);
          seen.push(e.subject);
        });
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(subjects);
      const other = (await t.http.get('/api/v1/world/entities?limit=1').expect(200)).body;
      await t.http.get(`/api/v1/world/conflicts?cursor=${other.nextCursor}`).expect(400);
    });

    it('should page through a history', async () => {
      for (let i = 0; i < 5; i += 1) {
        await observe([
          { subject: 'counter', predicate: 'value', object: i, validFrom: at(T + i * H) },
        ]).expect(201);
      }
      await caughtUp();
      const values: unknown[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.http.get(`/api/v1/world/entities/counter/history?${query}`).expect(200);
        values.push(...res.body.items.map((f: Fact) => f.object));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(values).toEqual([0, 1, 2, 3, 4]);
    });

    it('should serve subjects with any characters through URL encoding', async () => {
      const subject = 'https://example.org/people/ünïcødé 😀';
      await observe([{ subject, predicate: 'seen', object: 'yes' }]).expect(201);
      await caughtUp();
      expect((await current(subject)).map((f) => f.subject)).toEqual([subject]);
    });
  });
});
