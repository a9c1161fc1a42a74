import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const ADMIN = 'conscience-e2e-admin-token-0123';
const AUTH = { authorization: `Bearer ${ADMIN}` };
const MAX_INPUT_BYTES = 2048;

const clean = (type: string, target: string) => ({
  type,
  target,
  reversible: true,
  impact: { harm: 0.1, benefit: 0.5, scope: 'individual' },
});

describeEachDatabase('Conscience evaluations (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({
      db,
      env: {
        PHOENIX_ADMIN_TOKEN: ADMIN,
        PHOENIX_CONSCIENCE_MAX_INPUT_BYTES: String(MAX_INPUT_BYTES),
        PHOENIX_AXIOMS_WATCH_INTERVAL_MS: '0',
      },
    });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const evaluate = (body: object) => t.http.post('/api/v1/conscience/evaluations').send(body);
  const treeSize = async () =>
    Number((await t.dataSource.query('SELECT tree_size FROM log_state WHERE id = 1'))[0].tree_size);

  describe('POST /api/v1/conscience/evaluations', () => {
    it('should allow a benign action and answer with the whole breakdown', async () => {
      const before = await treeSize();
      const res = await evaluate({ action: clean('read-report', 'report:1') }).expect(201);
      expect(res.body).toMatchObject({
        verdict: 'allow',
        enforced: true,
        mode: 'enforce',
        degraded: false,
        axiomsVersion: '2025.1.0',
        axiomsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
        thresholds: { allow: 0.6, maxSpread: 0.6 },
        memoryId: res.body.id,
        leafIndex: before,
        perspectives: {
          deontic: { score: 1, weight: 0.45, base: 1, axioms: [] },
          consequential: {
            weight: 0.35,
            axioms: [{ id: 'reversibility-preferred', effect: 'weigh', contribution: 0.1 }],
            factors: { harm: 0.1, benefit: 0.5, scope: 0.25, reversible: true },
          },
          precedent: {
            score: 0.5,
            weight: 0.2,
            history: { considered: 0, asOfTreeSize: before, window: 20 },
          },
        },
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.alignment).toBeGreaterThanOrEqual(0.6);
      expect(res.body.reasons).toHaveLength(1);
      expect(res.body.evaluatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(res.body.durationMs).toBeGreaterThan(0);
      expect(await treeSize()).toBe(before + 1);
      const [row] = await t.dataSource.query(
        `SELECT kind, leaf_index FROM memories WHERE id = '${res.body.id}'`,
      );
      expect({ kind: row.kind, leafIndex: Number(row.leaf_index) }).toEqual({
        kind: 'decision',
        leafIndex: before,
      });
    });

    it('should deny when a forbid fires and say which', async () => {
      const res = await evaluate({
        action: { ...clean('disable-audit-log', 'service:api') },
      }).expect(201);
      expect(res.body).toMatchObject({ verdict: 'deny', enforced: true });
      expect(res.body.perspectives.deontic).toMatchObject({
        score: 0,
        axioms: [{ id: 'no-disabling-oversight', effect: 'forbid', outcome: 'fired' }],
      });
      expect(res.body.reasons[0]).toBe(
        'forbidden by no-disabling-oversight: Never disable oversight, logging or the conscience itself',
      );
    });

    it('should escalate an unmet require', async () => {
      const res = await evaluate({
        action: { ...clean('send-email', 'customer:9'), personalData: true },
        context: { purpose: 'newsletter' },
      }).expect(201);
      expect(res.body.verdict).toBe('escalate');
      expect(res.body.reasons).toContain(
        'required by consent-for-personal-data and not met: Personal data only with consent or another recorded lawful basis',
      );
    });

    it('should compute and log the verdict in monitor mode without enforcing it', async () => {
      const res = await evaluate({
        action: { ...clean('publish-ad', 'campaign:1'), deceptive: true },
        mode: 'monitor',
      }).expect(201);
      expect(res.body).toMatchObject({ verdict: 'deny', enforced: false, mode: 'monitor' });
      const logged = await t.http.get(`/api/v1/conscience/evaluations/${res.body.id}`).expect(200);
      expect(logged.body.tags).toContain('verdict:deny');
      expect(logged.body.content.result).toMatchObject({ verdict: 'deny', enforced: false });
      expect(logged.body.content.input.mode).toBe('monitor');
    });

    it('should let an earlier deny on the same action and target change a later verdict', async () => {
      const action = clean('transfer-funds', 'account:42');
      // Without history, the action is allowed (here on another account).
      const fresh = await evaluate({ action: clean('transfer-funds', 'account:43') }).expect(201);
      expect(fresh.body.verdict).toBe('allow');
      const denied = await evaluate({ action: { ...action, exposesSecrets: true } }).expect(201);
      expect(denied.body.verdict).toBe('deny');

      const later = await evaluate({ action }).expect(201);
      expect(later.body.verdict).toBe('escalate');
      expect(later.body.perspectives.precedent).toMatchObject({
        score: 0.3333,
        history: { considered: 1, deny: 1, asOfTreeSize: denied.body.leafIndex + 1 },
      });
      expect(later.body.reasons).toEqual(['the perspectives disagree: spread 0.6667 exceeds 0.6']);
      // The subject is the action type and target: the other account keeps its clean history.
      const other = await evaluate({ action: clean('transfer-funds', 'account:43') }).expect(201);
      expect(other.body.verdict).toBe('allow');
    });

    it('should let consistent allows raise the precedent score', async () => {
      const action = clean('rotate-logs', 'host:web-1');
      const scores: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await evaluate({ action }).expect(201);
        scores.push(res.body.perspectives.precedent.score);
      }
      expect(scores).toEqual([0.5, 0.6667, 0.75]);
    });

    it.each([
      [{}, ['action']],
      [{ action: {} }, ['action.type']],
      [{ action: { type: 5 } }, ['action.type']],
      [
        { action: { type: 'x', impact: { harm: 3, scope: 'galaxy' } } },
        ['action.impact.harm', 'action.impact.scope'],
      ],
      [{ action: { type: 'x', reversible: 'yes' }, context: [] }, ['action.reversible', 'context']],
      [{ action: { type: 'x' }, mode: 'dry' }, ['mode']],
      [{ action: { type: 'x' }, verdict: 'allow' }, ['verdict']],
      [{ action: 'deploy' }, ['action']],
    ])('should refuse %j with 400 naming %j, logging nothing', async (body, fields) => {
      const before = await treeSize();
      const res = await evaluate(body).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(Object.keys(res.body.errors).sort()).toEqual([...fields].sort());
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expect(await treeSize()).toBe(before);
    });

    it('should refuse action and context over the size limit with 400 naming them', async () => {
      const before = await treeSize();
      const res = await evaluate({
        action: { type: 'x', notes: 'n'.repeat(MAX_INPUT_BYTES / 2) },
        context: { blob: 'b'.repeat(MAX_INPUT_BYTES / 2) },
      }).expect(400);
      expect(res.body.code).toBe('input_too_large');
      expect(Object.keys(res.body.errors)).toEqual(['action', 'context']);
      expect(await treeSize()).toBe(before);
    });

    it('should refuse malformed JSON and other media types, logging nothing', async () => {
      const before = await treeSize();
      await t.http
        .post('/api/v1/conscience/evaluations')
        .set('content-type', 'application/json')
        .send('{"action": ')
        .expect(400);
      await t.http
        .post('/api/v1/conscience/evaluations')
        .set('content-type', 'text/plain')
        .send('may I?')
        .expect(415);
      expect(await treeSize()).toBe(before);
    });

    it('should fail fast with 503 while memory is down, logging nothing, and still read history', async () => {
      const before = await treeSize();
      await t.http.post('/api/v1/admin/components/memory/stop').set(AUTH).expect(200);
      try {
        const started = Date.now();
        const res = await evaluate({ action: clean('read-report', 'report:2') }).expect(503);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(res.body).toMatchObject({ code: 'component_unavailable', component: 'memory' });
        expect(res.headers['retry-after']).toBeDefined();
        const history = await t.http.get('/api/v1/conscience/evaluations?limit=1').expect(200);
        await t.http.get(`/api/v1/conscience/evaluations/${history.body.items[0].id}`).expect(200);
        await t.http.get('/api/v1/conscience/alignment').expect(200);
        await t.http.get('/api/v1/conscience/axioms').expect(200);
      } finally {
        await t.http.post('/api/v1/admin/components/memory/start').set(AUTH).expect(200);
      }
      expect(await treeSize()).toBe(before);
      await evaluate({ action: clean('read-report', 'report:2') }).expect(201);
    });

    it('should answer 503 while the conscience itself is stopped', async () => {
      await t.http.post('/api/v1/admin/components/conscience/stop').set(AUTH).expect(200);
      try {
        const res = await evaluate({ action: clean('read-report', 'report:3') }).expect(503);
        expect(res.body).toMatchObject({ code: 'component_unavailable', component: 'conscience' });
      } finally {
        await t.http.post('/api/v1/admin/components/conscience/start').set(AUTH).expect(200);
      }
    });
  });

  describe('reading decisions back', () => {
    let ids: Record<string, string>;
    let since: string;

    beforeAll(async () => {
      since = new Date().toISOString();
      ids = {};
      const verdictOf = async (name: string, body: object) => {
        const res = await evaluate(body).expect(201);
        ids[name] = res.body.id;
      };
      await verdictOf('allow1', { action: clean('list-a', 'x:1') });
      await verdictOf('deny1', { action: { ...clean('list-a', 'x:2'), deceptive: true } });
      await verdictOf('allow2', { action: clean('list-b', 'x:1') });
      await verdictOf('deny2', { action: { ...clean('list-b', 'x:2'), deceptive: true } });
      await verdictOf('allow3', { action: clean('list-a', 'x:3') });
    });

    const list = (query: string) =>
      t.http.get(`/api/v1/conscience/evaluations?since=${since}&${query}`).expect(200);

    it('should list decisions newest first, with their content, filtered by verdict and type', async () => {
      const all = await list('');
      expect(all.body.items.map((d: { id: string }) => d.id)).toEqual([
        ids.allow3,
        ids.deny2,
        ids.allow2,
        ids.deny1,
        ids.allow1,
      ]);
      expect(all.body.items[0]).toMatchObject({
        kind: 'decision',
        content: { v: 1, input: { action: { type: 'list-a' } }, result: { verdict: 'allow' } },
      });
      const denies = await list('verdict=deny');
      expect(denies.body.items.map((d: { id: string }) => d.id)).toEqual([ids.deny2, ids.deny1]);
      const typeA = await list('actionType=list-a');
      expect(typeA.body.items.map((d: { id: string }) => d.id)).toEqual([
        ids.allow3,
        ids.deny1,
        ids.allow1,
      ]);
      const both = await list('actionType=list-a&verdict=allow');
      expect(both.body.items.map((d: { id: string }) => d.id)).toEqual([ids.allow3, ids.allow1]);
    });

    it('should paginate with an opaque cursor', async () => {
      const first = await list('limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
      const third = await list(`limit=2&cursor=${second.body.nextCursor}`);
      expect(
        [...first.body.items, ...second.body.items, ...third.body.items].map(
          (d: { id: string }) => d.id,
        ),
      ).toEqual([ids.allow3, ids.deny2, ids.allow2, ids.deny1, ids.allow1]);
      expect(third.body.nextCursor).toBeNull();
      await t.http.get('/api/v1/conscience/evaluations?cursor=nope').expect(400);
    });

    it('should read one decision without recalling (reinforcing) it', async () => {
      await t.http.get(`/api/v1/conscience/evaluations/${ids.deny1}`).expect(200);
      await t.http.get(`/api/v1/conscience/evaluations/${ids.deny1}`).expect(200);
      await list('');
      const [row] = await t.dataSource.query(
        `SELECT recall_count FROM memories WHERE id = '${ids.deny1}'`,
      );
      expect(Number(row.recall_count)).toBe(0);
    });

    it('should answer 404 for unknown ids and other kinds of memory, 400 for a bad id', async () => {
      const note = await t.http.post('/api/v1/memories').send({ content: 'a note' }).expect(201);
      for (const id of ['00000000-0000-4000-8000-000000000000', note.body.id as string]) {
        const res = await t.http.get(`/api/v1/conscience/evaluations/${id}`).expect(404);
        expect(res.body.code).toBe('decision_not_found');
      }
      await t.http.get('/api/v1/conscience/evaluations/not-a-uuid').expect(400);
    });

    it('should answer 410 once the decision memory is forgotten', async () => {
      await t.http.delete(`/api/v1/memories/${ids.allow2}`).expect(204);
      const res = await t.http.get(`/api/v1/conscience/evaluations/${ids.allow2}`).expect(410);
      expect(res.body.code).toBe('decision_forgotten');
    });

    it('should refuse bad filters with 400', async () => {
      for (const query of ['verdict=maybe', 'since=yesterday', 'limit=0', 'limit=1001']) {
        await t.http.get(`/api/v1/conscience/evaluations?${query}`).expect(400);
      }
    });
  });

  describe('GET /api/v1/conscience/alignment', () => {
    it('should summarise the decisions of the window', async () => {
      const res = await t.http.get('/api/v1/conscience/alignment?window=1h').expect(200);
      const rows: Array<{ tags: string }> = await t.dataSource.query(
        "SELECT tags FROM memories WHERE kind = 'decision'",
      );
      const verdicts = rows.map((r) =>
        (JSON.parse(r.tags) as string[]).find((x) => x.startsWith('verdict:')),
      );
      expect(res.body).toMatchObject({
        window: '1h',
        count: rows.length,
        truncated: false,
        verdicts: {
          allow: verdicts.filter((v) => v === 'verdict:allow').length,
          deny: verdicts.filter((v) => v === 'verdict:deny').length,
          escalate: verdicts.filter((v) => v === 'verdict:escalate').length,
        },
      });
      expect(res.body.p10).toBeLessThanOrEqual(res.body.mean);
      expect(res.body.min).toBeLessThanOrEqual(res.body.p10);
      expect(Date.parse(res.body.until) - Date.parse(res.body.since)).toBe(3_600_000);
    });

    it('should count nothing in a window with no decisions, and refuse a bad window', async () => {
      const res = await t.http.get('/api/v1/conscience/alignment?window=1ms').expect(200);
      expect(res.body).toMatchObject({ count: 0, mean: null, p10: null });
      for (const window of ['soon', '0h', '400d']) {
        const bad = await t.http.get(`/api/v1/conscience/alignment?window=${window}`).expect(400);
        expect(Object.keys(bad.body.errors)).toEqual(['window']);
      }
    });
  });

  describe('GET /api/v1/conscience/axioms', () => {
    it('should show the axioms in service, from the file', async () => {
      const res = await t.http.get('/api/v1/conscience/axioms').expect(200);
      expect(res.body).toMatchObject({
        version: '2025.1.0',
        source: 'file',
        degraded: false,
        reason: null,
        path: expect.stringMatching(/axioms\.json$/),
        lastReload: null,
      });
      expect(res.body.axioms.length).toBeGreaterThanOrEqual(12);
    });
  });
});
