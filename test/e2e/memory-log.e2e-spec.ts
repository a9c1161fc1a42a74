import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyMemory } from '../../src/modules/memory/cli/verify';
import { MemoryMaintenanceService } from '../../src/modules/memory/memory-maintenance.service';
import { MemoryService } from '../../src/modules/memory/memory.service';
import { describeEachDatabase } from './utils/databases';
import {
  assertConsistency,
  assertInclusion,
  clientLeafHash,
  clientRoot,
  headVerifies,
} from './utils/log-client';
import { refuseInserts } from './utils/refusing-trigger';
import { TestApp } from './utils/test-app';

const ADMIN = 'test-admin-token-0123456789';
const VERIFY_CLI = resolve(__dirname, '../../dist/modules/memory/cli/verify.js');

interface Stored {
  id: string;
  leafIndex: number;
  leafHash: string;
  treeSize: number;
  rootHash: string;
  kind: string;
  contentType: string;
  contentSha256: string;
  tags: string[];
  createdAt: string;
}

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [VERIFY_CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => ok({ code, out }));
  });
}

describeEachDatabase('Memory log: proofs, heads, integrity (e2e)', (db) => {
  let t: TestApp;
  /** Leaf hashes as a client recomputed them, in leaf order. */
  const leaves: string[] = [];
  const stored: Stored[] = [];

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: ADMIN } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  const store = async (content: unknown, extra: object = {}): Promise<Stored> => {
    const res = await t.http
      .post('/api/v1/memories')
      .send({ content, ...extra })
      .expect(201);
    return res.body as Stored;
  };
  const remember = (m: Stored) => {
    stored[m.leafIndex] = m;
    leaves[m.leafIndex] = clientLeafHash(m);
  };

  it('should give 200 concurrent stores the leaf indices 0..199 with no gap or duplicate, and a root that verifies', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store({ i }, { tags: [`n${i % 7}`] })),
    );
    results.forEach(remember);
    expect(results.map((r) => r.leafIndex).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    results.forEach((r) => expect(r.leafHash).toBe(leaves[r.leafIndex]));
    const head = await t.http.get('/api/v1/log/head').expect(200);
    expect(head.body.treeSize).toBe(200);
    expect(head.body.rootHash).toBe(clientRoot(leaves));
  });

  it('should serve inclusion proofs for many indices and sizes that the pure verifier accepts', async () => {
    for (const size of [1, 2, 3, 7, 8, 9, 64, 100, 127, 128, 199, 200]) {
      const root = clientRoot(leaves.slice(0, size));
      for (const index of new Set(
        [0, 1, Math.floor(size / 2), size - 2, size - 1].filter((i) => i >= 0 && i < size),
      )) {
        const res = await t.http
          .get(`/api/v1/memories/${stored[index].id}/proof?treeSize=${size}`)
          .expect(200);
        expect(res.body).toMatchObject({
          leafIndex: index,
          treeSize: size,
          rootHash: root,
          leafHash: leaves[index],
        });
        expect(() => assertInclusion(leaves[index], res.body, root)).not.toThrow();
        if (size > 1) {
          // The same proof does not prove another leaf.
          expect(() => assertInclusion(leaves[(index + 1) % size], res.body, root)).toThrow();
        }
      }
    }
  });

  it('should refuse a proof for a tree that does not contain the leaf', async () => {
    const res = await t.http.get(`/api/v1/memories/${stored[10].id}/proof?treeSize=10`).expect(400);
    expect(res.body.code).toBe('invalid_tree_size');
    await t.http.get(`/api/v1/memories/${stored[10].id}/proof?treeSize=999999`).expect(400);
    await t.http.get(`/api/v1/memories/${stored[10].id}/proof?treeSize=abc`).expect(400);
  });

  it('should sign heads with the published key and prove consistency between heads before and after more writes', async () => {
    const key = await t.http.get('/api/v1/log/public-key').expect(200);
    expect(key.headers['content-type']).toMatch(/application\/x-pem-file/);
    const pem = key.text;
    const before = (await t.http.get('/api/v1/log/head').expect(200)).body;
    expect(headVerifies(pem, before)).toBe(true);
    expect(headVerifies(pem, { ...before, rootHash: leaves[0] })).toBe(false);
    for (let i = 0; i < 37; i += 1) {
      remember(await store({ more: i }));
    }
    const after = (await t.http.get('/api/v1/log/head').expect(200)).body;
    expect(headVerifies(pem, after)).toBe(true);
    expect(after.treeSize).toBe(before.treeSize + 37);
    const proof = (
      await t.http
        .get(`/api/v1/log/consistency?from=${before.treeSize}&to=${after.treeSize}`)
        .expect(200)
    ).body;
    expect(proof.fromRootHash).toBe(before.rootHash);
    expect(proof.toRootHash).toBe(after.rootHash);
    expect(() => assertConsistency(proof, before.rootHash, after.rootHash)).not.toThrow();
    for (const [from, to] of [
      [1, 2],
      [3, 8],
      [5, 200],
      [128, 237],
      [0, 10],
      [237, 237],
    ]) {
      const p = (await t.http.get(`/api/v1/log/consistency?from=${from}&to=${to}`).expect(200))
        .body;
      expect(p.toRootHash).toBe(clientRoot(leaves.slice(0, to)));
      if (from > 0) {
        expect(p.fromRootHash).toBe(clientRoot(leaves.slice(0, from)));
        expect(() => assertConsistency(p, p.fromRootHash, p.toRootHash)).not.toThrow();
      }
    }
    await t.http.get('/api/v1/log/consistency?from=10&to=5').expect(400);
    await t.http.get(`/api/v1/log/consistency?from=1&to=${after.treeSize + 1}`).expect(400);
  });

  it('should list entries in leaf order', async () => {
    const res = await t.http.get('/api/v1/log/entries?start=5&end=15').expect(200);
    expect(res.body.entries.map((e: { leafIndex: number }) => e.leafIndex)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 5),
    );
    expect(res.body.entries[0]).toEqual({
      leafIndex: 5,
      leafHash: leaves[5],
      memoryId: stored[5].id,
      kind: 'note',
      forgotten: false,
    });
    await t.http.get('/api/v1/log/entries?start=0&end=2000').expect(400);
    await t.http.get('/api/v1/log/entries?start=-1').expect(400);
  });

  it('should keep old proofs and heads valid after forgetting', async () => {
    const head = (await t.http.get('/api/v1/log/head').expect(200)).body;
    const target = stored[42];
    await t.http.delete(`/api/v1/memories/${target.id}`).expect(204);
    const proof = (
      await t.http.get(`/api/v1/memories/${target.id}/proof?treeSize=${head.treeSize}`).expect(200)
    ).body;
    expect(() => assertInclusion(leaves[42], proof, head.rootHash)).not.toThrow();
    const after = (await t.http.get('/api/v1/log/head').expect(200)).body;
    expect(after.rootHash).toBe(head.rootHash);
  });

  it('should verify through the client command against a running server, with and without a trusted head', async () => {
    const url = await t.listen();
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-verify-'));
    const saved = join(dir, 'head.json');
    const first = await runCli(['--url', url, '--id', stored[7].id, '--save-head', saved]);
    expect(first).toEqual({
      code: 0,
      out: expect.stringMatching(/^verified: memory .* is leaf 7 /),
    });
    remember(await store('one more'));
    const second = await runCli(['--url', url, '--id', stored[8].id, '--trusted-head', saved]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/consistent with the trusted head/);
    // A forged trusted head (wrong root) must not verify.
    const forged = join(dir, 'forged.json');
    const head = JSON.parse(JSON.stringify((await t.http.get('/api/v1/log/head')).body));
    writeFileSync(forged, JSON.stringify({ ...head, rootHash: leaves[3] }));
    const third = await runCli(['--url', url, '--id', stored[8].id, '--trusted-head', forged]);
    expect(third.code).toBe(1);
    expect(third.out).toMatch(/^NOT verified: /);
    const usage = await runCli(['--url', url]);
    expect(usage.code).toBe(2);
  });

  it('should report tampering with content or tags by memory id, and client verification should then fail', async () => {
    const ok = await t.http
      .post('/api/v1/admin/log/verify')
      .set('authorization', `Bearer ${ADMIN}`)
      .expect(200);
    expect(ok.body).toMatchObject({
      ok: true,
      mismatches: [],
      checkedLeaves: leaves.length,
      storedRootHash: clientRoot(leaves),
    });
    await t.http.post('/api/v1/admin/log/verify').expect(401);

    const a = stored[11];
    const b = stored[12];
    await t.dataSource.query(`UPDATE memories SET content = '{"i":999}' WHERE id = '${a.id}'`);
    await t.dataSource.query(`UPDATE memories SET tags = '["forged"]' WHERE id = '${b.id}'`);
    const report = await t.http
      .post('/api/v1/admin/log/verify')
      .set('authorization', `Bearer ${ADMIN}`)
      .expect(200);
    expect(report.body.ok).toBe(false);
    expect(report.body.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ memoryId: a.id, leafIndex: 11, problem: 'content_mismatch' }),
        expect.objectContaining({ memoryId: b.id, leafIndex: 12, problem: 'leaf_mismatch' }),
      ]),
    );
    const url = await t
      .listen()
      .catch(
        () => `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`,
      );
    await expect(verifyMemory({ url, id: a.id })).rejects.toThrow(/content hashes to/);
    await expect(verifyMemory({ url, id: b.id })).rejects.toThrow(/hash to leaf/);
    // Repair, so later tests see a sound log.
    await t.dataSource.query(`UPDATE memories SET content = '{"i":11}' WHERE id = '${a.id}'`);
    await t.dataSource.query(`UPDATE memories SET tags = '["n5"]' WHERE id = '${b.id}'`);
  });

  it('should leave no trace of an append that fails inside its transaction', async () => {
    const before = (await t.http.get('/api/v1/log/head').expect(200)).body;
    const count = async (table: string) =>
      Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const counts = {
      memories: await count('memories'),
      nodes: await count('merkle_nodes'),
      tags: await count('memory_tags'),
    };
    // Read once, so that on SQLite the tag tails hold the pair when the append fails.
    const memories = t.app.get(MemoryService);
    expect(await memories.latestTagged('note', 'explode', 5)).toEqual({
      treeSize: before.treeSize,
      tags: [],
    });
    await refuseInserts(t.dataSource, db, {
      name: 'explode',
      table: 'memory_tags',
      column: 'tag',
      value: 'explode',
      message: 'boom',
    });
    const res = await t.http
      .post('/api/v1/memories')
      .send({ content: 'doomed', tags: ['explode'] })
      .expect(500);
    expect(res.body).toMatchObject({
      code: 'internal_error',
      requestId: res.headers['x-request-id'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/boom|memory_tags|trigger/i);
    expect(await count('memories')).toBe(counts.memories);
    expect(await count('merkle_nodes')).toBe(counts.nodes);
    expect(await count('memory_tags')).toBe(counts.tags);
    const head = (await t.http.get('/api/v1/log/head').expect(200)).body;
    expect(head).toMatchObject({ treeSize: before.treeSize, rootHash: before.rootHash });
    expect(await memories.latestTagged('note', 'explode', 5)).toEqual({
      treeSize: before.treeSize,
      tags: [],
    });
    const next = await store('after the failure');
    remember(next);
    expect(next.leafIndex).toBe(before.treeSize);
    expect(next.rootHash).toBe(clientRoot(leaves));
  });

  it('should recall and verify every memory after a restart on the same database', async () => {
    const pemBefore = (await t.http.get('/api/v1/log/public-key')).text;
    await t.restart();
    const pemAfter = (await t.http.get('/api/v1/log/public-key')).text;
    expect(pemAfter).toBe(pemBefore);
    const url = await t.listen();
    const head = (await t.http.get('/api/v1/log/head').expect(200)).body;
    expect(head.rootHash).toBe(clientRoot(leaves));
    let verified = 0;
    for (const m of stored) {
      if (m.leafIndex === 42) {
        await t.http.get(`/api/v1/memories/${m.id}`).expect(410);
        continue;
      }
      await verifyMemory({ url, id: m.id });
      verified += 1;
    }
    expect(verified).toBe(stored.length - 1);
    const report = await t.http
      .post('/api/v1/admin/log/verify')
      .set('authorization', `Bearer ${ADMIN}`)
      .expect(200);
    expect(report.body.ok).toBe(true);
  });

  it('should forget expired and faded memories, but never pinned ones or retained kinds', async () => {
    const faded = await store('weak', { importance: 0.01 });
    const expiring = await store('brief', { ttlSeconds: 1 });
    const pinned = await store('keep me', { importance: 0.01, pinned: true });
    // Decisions are written by the conscience only (the kind is reserved on the API).
    const decision = await t.app
      .get(MemoryService)
      .store(
        { content: { verdict: 'allow' }, kind: 'decision', importance: 0.01 },
        { reservedKind: true },
      );
    const strong = await store('strong', { importance: 1 });
    const maintenance = t.app.get(MemoryMaintenanceService);
    const report = await maintenance.forgetExpiredAndFaded(Date.now() + 2000);
    const ids = report.forgotten.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([faded.id, expiring.id]));
    expect(report.forgotten.find((f) => f.id === expiring.id)?.reason).toBe('expired');
    expect(report.forgotten.find((f) => f.id === faded.id)?.reason).toBe('faded');
    for (const kept of [pinned, decision, strong]) {
      expect(ids).not.toContain(kept.id);
      await t.http.get(`/api/v1/memories/${kept.id}`).expect(200);
    }
    await t.http.get(`/api/v1/memories/${faded.id}`).expect(410);
  });
});
