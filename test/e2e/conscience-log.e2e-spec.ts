import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { MemoryService } from '../../src/modules/memory/memory.service';
import { describeEachDatabase } from './utils/databases';
import { assertInclusion, clientLeafHash, headVerifies } from './utils/log-client';
import { TestApp } from './utils/test-app';

interface DecisionRecord {
  id: string;
  kind: string;
  leafIndex: number;
  createdAt: string;
  tags: string[];
  content: { v: number; input: Record<string, unknown>; result: { verdict: string } };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describeEachDatabase('Conscience decisions in the memory log (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_AXIOMS_WATCH_INTERVAL_MS: '0' } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const evaluate = (body: object) =>
    t.http.post('/api/v1/conscience/evaluations').send(body).expect(201);
  const decision = async (id: string): Promise<DecisionRecord> =>
    (await t.http.get(`/api/v1/conscience/evaluations/${id}`).expect(200)).body as DecisionRecord;

  it('should log each decision as a leaf whose inclusion proof verifies against a signed head', async () => {
    await t.http.post('/api/v1/memories').send({ content: 'before' }).expect(201);
    const res = await evaluate({
      action: { type: 'send-email', target: 'customer:1', personalData: true },
      context: { consent: true, purpose: 'receipt' },
    });
    const record = await decision(res.body.id);
    expect(record).toMatchObject({
      id: res.body.id,
      kind: 'decision',
      leafIndex: res.body.leafIndex,
    });
    // The content is what was decided: the response is the logged result plus its place in the log.
    const { id, memoryId, leafIndex, ...result } = res.body;
    expect({ id, memoryId, leafIndex }).toEqual({ id, memoryId: id, leafIndex: record.leafIndex });
    expect(record.content).toEqual({
      v: 1,
      input: {
        action: { type: 'send-email', target: 'customer:1', personalData: true },
        context: { consent: true, purpose: 'receipt' },
        mode: 'enforce',
      },
      result,
      axiomsVersion: '2025.1.0',
    });

    // A client recomputes the leaf from the record alone (docs/memory-log.md) …
    const leafHash = clientLeafHash({
      id: record.id,
      kind: record.kind,
      contentType: 'application/json',
      contentSha256: sha256(canonicalize(record.content) as string),
      tags: record.tags,
      createdAt: record.createdAt,
    });
    // … and checks it is in the log the server signed.
    const head = (await t.http.get('/api/v1/log/head').expect(200)).body;
    const pem = (await t.http.get('/api/v1/log/public-key').expect(200)).text;
    expect(headVerifies(pem, head)).toBe(true);
    const proof = (
      await t.http.get(`/api/v1/memories/${record.id}/proof?treeSize=${head.treeSize}`).expect(200)
    ).body;
    expect(proof.leafHash).toBe(leafHash);
    expect(() => assertInclusion(leafHash, proof, head.rootHash)).not.toThrow();
    const tampered = { ...record.content, result: { ...record.content.result, verdict: 'deny' } };
    const forged = clientLeafHash({
      ...record,
      contentType: 'application/json',
      contentSha256: sha256(canonicalize(tampered) as string),
    });
    expect(() => assertInclusion(forged, proof, head.rootHash)).toThrow();
  });

  it('should store the input with the axioms’ mask applied, secrets nowhere in the row', async () => {
    const res = await evaluate({
      action: { type: 'login-as', target: 'user:5', credentials: { password: 'hunter2' } },
      context: {
        user: { email: 'ada@example.com', name: 'Ada' },
        crm: { token: 'tok-123', url: 'https://crm' },
      },
    });
    const record = await decision(res.body.id);
    expect(record.content.input).toEqual({
      action: { type: 'login-as', target: 'user:5', credentials: '[masked]' },
      context: {
        user: { email: '[masked]', name: 'Ada' },
        crm: { token: '[masked]', url: 'https://crm' },
      },
      mode: 'enforce',
    });
    const [row] = await t.dataSource.query(
      `SELECT content, tags FROM memories WHERE id = '${res.body.id}'`,
    );
    for (const secret of ['hunter2', 'ada@example.com', 'tok-123']) {
      expect(row.content).not.toContain(secret);
    }
    expect(row.tags).not.toContain('user:5'); // targets are indexed by digest only
  });

  it('should index decisions in tags that a client can read from the leaf', async () => {
    const res = await evaluate({ action: { type: 'Deploy Service', target: { env: 'prod' } } });
    const record = await decision(res.body.id);
    expect(record.tags).toEqual([...record.tags].sort());
    expect(record.tags).toEqual(
      expect.arrayContaining([
        `verdict:${res.body.verdict}`,
        `alignment:${res.body.alignment}`,
        `subject:${res.body.perspectives.precedent.history.subject}`,
      ]),
    );
    expect(record.tags.some((tag) => /^action-h:[0-9a-f]{32}$/.test(tag))).toBe(true);
    const listed = await t.http
      .get('/api/v1/conscience/evaluations?actionType=Deploy%20Service')
      .expect(200);
    expect(listed.body.items.map((d: DecisionRecord) => d.id)).toEqual([res.body.id]);
  });

  describe('MemoryService reads for other components', () => {
    it('should list leaf fields of a kind, newest first, below a leaf index, without content', async () => {
      const memories = t.app.get(MemoryService);
      const first = await evaluate({ action: { type: 'probe', target: 't-0' } });
      const second = await evaluate({ action: { type: 'probe', target: 't-0' } });
      const rows = await memories.leafTags({ kind: 'decision', limit: 2 });
      expect(rows).toEqual([
        {
          id: second.body.id,
          leafIndex: second.body.leafIndex,
          createdAt: expect.stringMatching(/Z$/),
          tags: expect.arrayContaining(['verdict:' + second.body.verdict]),
        },
        expect.objectContaining({ id: first.body.id }),
      ]);
      const bounded = await memories.leafTags({
        kind: 'decision',
        beforeLeafIndex: second.body.leafIndex,
        limit: 1,
      });
      expect(bounded.map((r) => r.id)).toEqual([first.body.id]);
      expect(await memories.leafTags({ kind: 'no-such-kind', limit: 10 })).toEqual([]);
    });

    it('should give the tree size and the newest tags of a kind with a tag, as the kind range has them', async () => {
      const memories = t.app.get(MemoryService);
      const action = { type: 'probe', target: 't-1' };
      const first = await evaluate({ action });
      const second = await evaluate({ action });
      await evaluate({ action: { type: 'probe', target: 't-2' } });
      const subject: string = second.body.perspectives.precedent.history.subject;
      const tag = `subject:${subject}`;
      /** The oracle: the kind's leaves newest first, filtered by the tag here. */
      const newest = async (limit: number) =>
        (await memories.leafTags({ kind: 'decision', limit: 10_000 }))
          .filter((r) => r.tags.includes(tag))
          .slice(0, limit);
      const rows = await newest(10);
      expect(rows.map((r) => r.id)).toEqual([second.body.id, first.body.id]);
      const tagged = await memories.latestTagged('decision', tag, 10);
      expect(tagged).toEqual({
        treeSize: await memories.treeSize(),
        tags: rows.map((r) => r.tags),
      });
      expect(await memories.latestTagged('decision', tag, 1)).toEqual({
        treeSize: tagged.treeSize,
        tags: [rows[0].tags],
      });
      expect(await memories.latestTagged('note', tag, 5)).toEqual({
        treeSize: tagged.treeSize,
        tags: [],
      });
      // After more appends, among them a note with the same tag (on SQLite the tail the
      // evaluations' precedent reads filled is extended by the writer).
      await t.http
        .post('/api/v1/memories')
        .send({ content: 1, tags: [tag] })
        .expect(201);
      const third = await evaluate({ action });
      const after = await memories.latestTagged('decision', tag, 2);
      expect(after.treeSize).toBe(third.body.leafIndex + 1);
      const expected = await newest(2);
      expect(expected.map((r) => r.id)).toEqual([third.body.id, second.body.id]);
      expect(after.tags).toEqual(expected.map((r) => r.tags));
    });

    it('should keep forgotten memories in the tag reads (tags are leaf fields) but not in list', async () => {
      const memories = t.app.get(MemoryService);
      const res = await evaluate({ action: { type: 'probe-forget', target: 'x' } });
      await t.http.delete(`/api/v1/memories/${res.body.id}`).expect(204);
      const tag = `subject:${res.body.perspectives.precedent.history.subject}`;
      const [latest] = await memories.leafTags({ kind: 'decision', limit: 1 });
      expect(latest.id).toBe(res.body.id);
      expect((await memories.latestTagged('decision', tag, 5)).tags).toEqual([latest.tags]);
      const page = await memories.list({ kind: 'decision' }, [tag]);
      expect(page.items).toEqual([]);
    });

    it('should list memories carrying every one of several tags', async () => {
      const memories = t.app.get(MemoryService);
      const store = (tags: string[]) =>
        t.http.post('/api/v1/memories').send({ content: tags, kind: 'probe', tags }).expect(201);
      const ab = await store(['a', 'b']);
      await store(['a']);
      await store(['b']);
      const abc = await store(['a', 'b', 'c']);
      const page = await memories.list({ kind: 'probe' }, ['a', 'b']);
      expect(page.items.map((m) => m.id)).toEqual([abc.body.id, ab.body.id]);
      const narrowed = await memories.list({ kind: 'probe', tag: 'c' }, ['a']);
      expect(narrowed.items.map((m) => m.id)).toEqual([abc.body.id]);
    });
  });

  it('should keep the decision history, and its precedent, across a restart', async () => {
    const action = { type: 'wire-money', target: 'account:7', reversible: true };
    const denied = await evaluate({ action: { ...action, deceptive: true } });
    const listed = (await t.http.get('/api/v1/conscience/evaluations?limit=1000').expect(200)).body;
    await t.restart();
    const record = await decision(denied.body.id);
    expect(record.content.result.verdict).toBe('deny');
    const after = (await t.http.get('/api/v1/conscience/evaluations?limit=1000').expect(200)).body;
    expect(after.items).toEqual(listed.items);
    const later = await evaluate({ action });
    expect(later.body.perspectives.precedent.history).toMatchObject({ considered: 1, deny: 1 });
    expect(later.body.verdict).toBe('escalate');
  });
});
