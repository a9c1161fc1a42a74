import { MemoryService } from '../../src/modules/memory/memory.service';
import { describeEachDatabase } from './utils/databases';
import { assertInclusion, clientLeafHash, clientRoot } from './utils/log-client';
import { refuseInserts } from './utils/refusing-trigger';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const ALPHA = 0.2;

describeEachDatabase('Memories (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_MAX_MEMORY_BYTES: '2048' } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const store = (body: object) => t.http.post('/api/v1/memories').send(body);
  const treeSize = async () =>
    Number((await t.dataSource.query('SELECT tree_size FROM log_state WHERE id = 1'))[0].tree_size);
  const rowCount = async (table: string) =>
    Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  describe('store', () => {
    it('should store a memory as the next leaf and answer with its leaf and tree head', async () => {
      const before = await treeSize();
      const res = await store({
        content: { text: 'Prefers metric units', n: 1 },
        kind: 'preference',
        tags: ['user:42', 'units', 'units'],
        importance: 0.8,
        ttlSeconds: 3600,
      }).expect(201);
      expect(res.body).toMatchObject({
        kind: 'preference',
        tags: ['units', 'user:42'],
        contentType: 'application/json',
        sizeBytes: Buffer.byteLength('{"n":1,"text":"Prefers metric units"}'),
        importance: 0.8,
        strength: 0.8,
        pinned: false,
        leafIndex: before,
        treeSize: before + 1,
        recallCount: 0,
      });
      // A version 7 UUID: time-ordered, so a later memory's id sorts after this one's.
      const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(res.body.id).toMatch(v7);
      const later = await store({ content: 'later' }).expect(201);
      expect(later.body.id).toMatch(v7);
      expect(later.body.id > res.body.id).toBe(true);
      expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(3_600_000);
      expect(res.body.leafHash).toBe(clientLeafHash(res.body));
      expect(res.body.rootHash).toMatch(/^[0-9a-f]{64}$/);
      const [row] = await t.dataSource.query(
        `SELECT content, kind FROM memories WHERE id = '${res.body.id}'`,
      );
      expect(row).toEqual({ content: '{"n":1,"text":"Prefers metric units"}', kind: 'preference' });
    });

    it('should accept any JSON value as content and use the defaults', async () => {
      for (const content of [null, 42, 'text', [1, { b: 2, a: 1 }], { nested: { deep: [true] } }]) {
        const res = await store({ content }).expect(201);
        expect(res.body).toMatchObject({
          kind: 'note',
          tags: [],
          importance: 0.5,
          strength: 0.5,
          expiresAt: null,
        });
        const recalled = await t.http.get(`/api/v1/memories/${res.body.id}`).expect(200);
        expect(recalled.body.content).toEqual(content);
      }
    });

    it.each([
      [{ kind: 'Bad Kind', content: 1 }, 'kind'],
      [{ tags: ['UPPER'], content: 1 }, 'tags'],
      [{ tags: Array.from({ length: 33 }, (_, i) => `t${i}`), content: 1 }, 'tags'],
      [{ importance: 1.5, content: 1 }, 'importance'],
      [{ ttlSeconds: 0, content: 1 }, 'ttlSeconds'],
      [{ ttlSeconds: 1.5, content: 1 }, 'ttlSeconds'],
      [{ pinned: 'yes', content: 1 }, 'pinned'],
      [{ content: 1, extra: true }, 'extra'],
      [{ kind: 'note' }, 'content'],
      [{ kind: 'decision', content: { verdict: 'allow' } }, 'kind'],
    ])('should refuse %j naming %s, and store nothing', async (body, field) => {
      const [size, rows] = [await treeSize(), await rowCount('memories')];
      const res = await store(body).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('validation_failed');
      expect(Object.keys(res.body.errors)).toContain(field);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expect(await treeSize()).toBe(size);
      expect(await rowCount('memories')).toBe(rows);
    });

    it('should refuse content over PHOENIX_MAX_MEMORY_BYTES with 413, storing nothing', async () => {
      const size = await treeSize();
      const res = await store({ content: 'x'.repeat(2048) }).expect(413);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ code: 'memory_too_large', maxBytes: 2048, sizeBytes: 2050 });
      expect(await treeSize()).toBe(size);
    });

    it('should refuse a body that is not JSON with 415', async () => {
      const res = await t.http
        .post('/api/v1/memories')
        .set('content-type', 'text/plain')
        .send('remember this')
        .expect(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('unsupported_media_type');
      const form = await t.http
        .post('/api/v1/memories')
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('content=x')
        .expect(415);
      expect(form.body.code).toBe('unsupported_media_type');
    });

    it('should refuse malformed JSON with 400', async () => {
      const res = await t.http
        .post('/api/v1/memories')
        .set('content-type', 'application/json')
        .send('{"content": [1,')
        .expect(400);
      expect(res.body.code).toBe('malformed_json');
    });
    it('should store content as sent, keys named like prototype keys included', async () => {
      const content = { constructor: 'c', prototype: { p: 1 }, list: [{ constructor: 2 }] };
      const res = await store({ content }).expect(201);
      const recalled = await t.http.get(`/api/v1/memories/${res.body.id}`).expect(200);
      expect(recalled.body.content).toEqual(content);
      expect(res.body.sizeBytes).toBe(
        Buffer.byteLength('{"constructor":"c","list":[{"constructor":2}],"prototype":{"p":1}}'),
      );
    });

    it('should fail only the memory at fault among stores committed together, storing nothing of it', async () => {
      // A row the database refuses, in the middle of one batch (the stores are made in one
      // turn of the event loop, so they share a transaction until it fails).
      const drop = await refuseInserts(t.dataSource, db, {
        name: 'poison',
        table: 'memories',
        column: 'kind',
        value: 'poison',
        message: 'poisoned',
      });
      try {
        const [size, rows, tags] = [
          await treeSize(),
          await rowCount('memories'),
          await rowCount('memory_tags'),
        ];
        const service = t.app.get(MemoryService);
        const kinds = ['note', 'note', 'poison', 'note', 'note', 'note'];
        const outcomes = await Promise.allSettled(
          kinds.map((kind, i) => service.store({ content: { i }, kind, tags: [`t${i}`] })),
        );
        expect(outcomes.map((o) => o.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        const stored = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(stored.map((m) => m.leafIndex)).toEqual([
          size,
          size + 1,
          size + 2,
          size + 3,
          size + 4,
        ]);
        expect(await treeSize()).toBe(size + 5);
        expect(await rowCount('memories')).toBe(rows + 5);
        expect(await rowCount('memory_tags')).toBe(tags + 5);
        expect(await t.dataSource.query("SELECT id FROM memories WHERE kind = 'poison'")).toEqual(
          [],
        );
        // Every leaf the client can recompute, and the head's root over them.
        const head = (await t.http.get('/api/v1/log/head').expect(200)).body;
        const entries = (
          await t.http.get(`/api/v1/log/entries?start=0&end=${head.treeSize}`).expect(200)
        ).body.entries as Array<{ leafHash: string; memoryId: string }>;
        expect(clientRoot(entries.map((e) => e.leafHash))).toBe(head.rootHash);
        for (const m of stored) {
          expect(entries[m.leafIndex]).toMatchObject({
            memoryId: m.id,
            leafHash: clientLeafHash(m),
          });
          const proof = (await t.http.get(`/api/v1/memories/${m.id}/proof`).expect(200)).body;
          assertInclusion(m.leafHash, proof, head.rootHash);
        }
      } finally {
        await drop();
      }
    });
  });

  describe('recall', () => {
    it('should return the content and reinforce the strength, persisted', async () => {
      const { body: stored } = await store({
        content: { fact: 'sky is blue' },
        importance: 0.5,
      }).expect(201);
      const first = await t.http.get(`/api/v1/memories/${stored.id}`).expect(200);
      expect(first.body.content).toEqual({ fact: 'sky is blue' });
      expect(first.body.recallCount).toBe(1);
      // Decay over the few ms since the store is negligible at a 7-day half-life.
      expect(first.body.strength).toBeCloseTo(0.5 + ALPHA * 0.5, 6);
      const second = await t.http.get(`/api/v1/memories/${stored.id}`).expect(200);
      expect(second.body.strength).toBeCloseTo(
        first.body.strength + ALPHA * (1 - first.body.strength),
        6,
      );
      const [row] = await t.dataSource.query(
        `SELECT strength, recall_count FROM memories WHERE id = '${stored.id}'`,
      );
      expect(Number(row.strength)).toBeCloseTo(second.body.strength, 9);
      expect(Number(row.recall_count)).toBe(2);
      expect(second.body.leafHash).toBe(clientLeafHash(second.body));
    });

    it('should count every one of many concurrent recalls', async () => {
      const { body: stored } = await store({ content: 'popular' }).expect(201);
      await Promise.all(
        Array.from({ length: 20 }, () => t.http.get(`/api/v1/memories/${stored.id}`).expect(200)),
      );
      const [row] = await t.dataSource.query(
        `SELECT recall_count FROM memories WHERE id = '${stored.id}'`,
      );
      expect(Number(row.recall_count)).toBe(20);
    });

    it('should persist the reinforcement of each of many memories recalled together', async () => {
      const service = t.app.get(MemoryService);
      const ids = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const res = await store({ content: { batch: i }, importance: 0.3 }).expect(201);
          return res.body.id as string;
        }),
      );
      // One turn of the event loop: the reinforcements share a transaction.
      const recalled = await Promise.all(ids.map((id) => service.recall(id)));
      expect(recalled.map((m) => m.recallCount)).toEqual(ids.map(() => 1));
      for (const m of recalled) {
        expect(m.strength).toBeCloseTo(0.3 + ALPHA * 0.7, 6);
        const [row] = await t.dataSource.query(
          `SELECT strength, recall_count FROM memories WHERE id = '${m.id}'`,
        );
        expect(Number(row.recall_count)).toBe(1);
        expect(Number(row.strength)).toBeCloseTo(m.strength, 9);
      }
    });

    if (db === 'postgres') {
      it('should count every recall made at once on two replicas of one database', async () => {
        const replica = await TestApp.create({ db, shareSchemaWith: t });
        try {
          const { body: stored } = await store({ content: 'shared', importance: 0.5 }).expect(201);
          const recall = (app: TestApp) =>
            app.http.get(`/api/v1/memories/${stored.id}`).expect(200);
          await Promise.all(Array.from({ length: 10 }, () => [recall(t), recall(replica)]).flat());
          const [row] = await t.dataSource.query(
            `SELECT strength, recall_count FROM memories WHERE id = '${stored.id}'`,
          );
          expect(Number(row.recall_count)).toBe(20);
          // s ← s + α(1 − s), twenty times, in whatever order (decay over milliseconds aside).
          expect(Number(row.strength)).toBeCloseTo(1 - 0.5 * (1 - ALPHA) ** 20, 6);
        } finally {
          await replica.destroy();
        }
      });
    }

    it('should answer a malformed id with 400 and an unknown id with 404', async () => {
      const bad = await t.http.get('/api/v1/memories/not-a-uuid').expect(400);
      expect(bad.body.code).toBe('invalid_id');
      const unknown = await t.http
        .get('/api/v1/memories/00000000-0000-4000-8000-000000000000')
        .expect(404);
      expect(unknown.headers['content-type']).toMatch(PROBLEM);
      expect(unknown.body.code).toBe('memory_not_found');
    });

    it('should answer 410 for an expired memory', async () => {
      const { body: stored } = await store({ content: 'short-lived', ttlSeconds: 60 }).expect(201);
      await t.dataSource.query(
        `UPDATE memories SET expires_at = ${Date.now() - 1} WHERE id = '${stored.id}'`,
      );
      const res = await t.http.get(`/api/v1/memories/${stored.id}`).expect(410);
      expect(res.body.code).toBe('memory_expired');
    });
  });

  describe('forget', () => {
    it('should erase the content, keep the leaf, and answer 410 afterwards', async () => {
      const { body: stored } = await store({ content: { secret: 'to forget' } }).expect(201);
      await t.http.delete(`/api/v1/memories/${stored.id}`).expect(204);
      await t.http.delete(`/api/v1/memories/${stored.id}`).expect(204);
      const gone = await t.http.get(`/api/v1/memories/${stored.id}`).expect(410);
      expect(gone.body.code).toBe('memory_forgotten');
      expect(Date.parse(gone.body.forgottenAt)).toBeGreaterThan(0);
      const [row] = await t.dataSource.query(
        `SELECT content, leaf_hash, content_sha256 FROM memories WHERE id = '${stored.id}'`,
      );
      expect(row).toEqual({
        content: null,
        leaf_hash: stored.leafHash,
        content_sha256: stored.contentSha256,
      });
      const entries = await t.http.get(
        `/api/v1/log/entries?start=${stored.leafIndex}&end=${stored.leafIndex + 1}`,
      );
      expect(entries.body.entries[0]).toMatchObject({
        memoryId: stored.id,
        forgotten: true,
        leafHash: stored.leafHash,
      });
    });

    it('should answer 404 for an unknown id', async () => {
      await t.http.delete('/api/v1/memories/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });

  describe('list', () => {
    let ids: Record<string, string>;
    const marker = `m${Date.now()}`;

    beforeAll(async () => {
      ids = {};
      const specs = [
        { name: 'a', kind: 'alpha', tags: ['red'], importance: 0.9, text: `${marker} Apple PIE` },
        { name: 'b', kind: 'alpha', tags: ['blue'], importance: 0.2, text: `${marker} banana` },
        {
          name: 'c',
          kind: 'beta',
          tags: ['red', 'blue'],
          importance: 0.6,
          text: `${marker} cherry 100%_off`,
        },
        { name: 'd', kind: 'beta', tags: [], importance: 0.4, text: `${marker} apple juice` },
      ];
      for (const s of specs) {
        const res = await store({
          content: { text: s.text },
          kind: s.kind,
          tags: s.tags,
          importance: s.importance,
        });
        ids[s.name] = res.body.id;
      }
    });

    const list = async (query: string) => {
      const res = await t.http.get(`/api/v1/memories?q=${marker}&${query}`).expect(200);
      return (res.body.items as Array<{ id: string }>).map((m) =>
        Object.keys(ids).find((k) => ids[k] === m.id),
      );
    };

    it('should filter by kind, tag and text, newest first', async () => {
      await expect(list('')).resolves.toEqual(['d', 'c', 'b', 'a']);
      await expect(list('kind=alpha')).resolves.toEqual(['b', 'a']);
      await expect(list('tag=red')).resolves.toEqual(['c', 'a']);
      await expect(list('tag=red&kind=beta')).resolves.toEqual(['c']);
      const apple = await t.http.get(`/api/v1/memories?q=APPLE`).expect(200);
      const found = apple.body.items.map((m: { id: string }) => m.id);
      expect(found).toEqual(expect.arrayContaining([ids.a, ids.d]));
      expect(found).not.toContain(ids.b);
      // LIKE wildcards in q are literal.
      const literal = await t.http
        .get(`/api/v1/memories?q=${encodeURIComponent('100%_off')}`)
        .expect(200);
      expect(literal.body.items.map((m: { id: string }) => m.id)).toEqual([ids.c]);
    });

    it('should filter by time range', async () => {
      const all = await t.http.get(`/api/v1/memories?q=${marker}`).expect(200);
      const times = all.body.items.map((m: { createdAt: string }) => m.createdAt).sort();
      const since = await t.http.get(`/api/v1/memories?q=${marker}&since=${times[1]}`).expect(200);
      expect(since.body.items.every((m: { createdAt: string }) => m.createdAt >= times[1])).toBe(
        true,
      );
      const until = await t.http.get(`/api/v1/memories?q=${marker}&until=${times[0]}`).expect(200);
      expect(until.body.items).toHaveLength(0);
    });

    it('should sort by current strength', async () => {
      await expect(list('sort=strongest')).resolves.toEqual(['a', 'c', 'd', 'b']);
    });

    it('should page with an opaque cursor, without duplicates or gaps', async () => {
      for (const sort of ['newest', 'strongest']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const url: string = `/api/v1/memories?q=${marker}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
          const res = await t.http.get(url).expect(200);
          seen.push(...res.body.items.map((m: { id: string }) => m.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        expect(seen).toHaveLength(4);
        expect(new Set(seen).size).toBe(4);
      }
    });

    it('should include content only when asked, and not list forgotten memories', async () => {
      const plain = await t.http.get(`/api/v1/memories?q=${marker}&limit=1`).expect(200);
      expect(plain.body.items[0].content).toBeUndefined();
      const full = await t.http
        .get(`/api/v1/memories?q=${marker}&limit=1&includeContent=true`)
        .expect(200);
      expect(full.body.items[0].content).toEqual({ text: `${marker} apple juice` });
      await t.http.delete(`/api/v1/memories/${ids.d}`).expect(204);
      await expect(list('')).resolves.toEqual(['c', 'b', 'a']);
    });

    it('should refuse bad queries with 400', async () => {
      for (const query of [
        'limit=0',
        'limit=1001',
        'sort=oldest',
        'since=yesterday',
        'cursor=garbage',
        'kind=UP',
      ]) {
        const res = await t.http.get(`/api/v1/memories?${query}`).expect(400);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
      const newest = await t.http.get(`/api/v1/memories?q=${marker}&limit=1`).expect(200);
      const wrongSort = await t.http
        .get(`/api/v1/memories?sort=strongest&cursor=${newest.body.nextCursor}`)
        .expect(400);
      expect(wrongSort.body.code).toBe('invalid_cursor');
    });
  });
});
