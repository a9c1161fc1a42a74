import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { eventually } from './utils/eventually';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const ADMIN = 'conscience-axioms-admin-token-42';
const AUTH = { authorization: `Bearer ${ADMIN}` };
const SHIPPED = resolve(__dirname, '../../axioms.json');
const PROBLEM = /^application\/problem\+json/;
/** An action the shipped axioms allow and the fallback escalates (not known reversible, no approver). */
const BENIGN = { type: 'read-report', target: 'report:1', impact: { harm: 0, benefit: 0.6 } };

function shippedWithVersion(version: string): string {
  const document = JSON.parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...document, version }, null, 2);
}

describeEachDatabase('Conscience axioms: degraded start and reload (e2e)', (db) => {
  let dir: string;
  let path: string;
  let t: TestApp | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phoenix-axioms-e2e-'));
    path = join(dir, 'axioms.json');
  });

  afterEach(async () => {
    await t?.destroy();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (watchIntervalMs = 0) => {
    t = await TestApp.create({
      db,
      env: {
        PHOENIX_ADMIN_TOKEN: ADMIN,
        PHOENIX_AXIOMS_PATH: path,
        PHOENIX_AXIOMS_WATCH_INTERVAL_MS: String(watchIntervalMs),
        PHOENIX_HEALTH_CACHE_TTL_MS: '0',
      },
    });
    return t;
  };
  const axioms = async (app: TestApp) =>
    (await app.http.get('/api/v1/conscience/axioms').expect(200)).body;
  const conscienceState = async (app: TestApp) => {
    const res = await app.http.get('/api/v1/kernel/components').expect(200);
    return (res.body.components as Array<{ name: string }>).find((c) => c.name === 'conscience');
  };

  describe.each([
    ['missing', () => undefined, 'not found'],
    [
      'not JSON',
      (p: string) => writeFileSync(p, '{ "version": '),
      'is invalid: file is not valid JSON',
    ],
    [
      'invalid',
      (p: string) => writeFileSync(p, JSON.stringify({ version: '1', axioms: [] })),
      'is invalid: thresholds is required',
    ],
  ])('with the axioms file %s at start', (_what, prepare, reason) => {
    it('should run degraded on the built-in fallback, and say why everywhere', async () => {
      prepare(path);
      const app = await start();
      expect(await axioms(app)).toMatchObject({
        source: 'builtin-fallback',
        version: 'builtin-fallback-1',
        degraded: true,
        path: null,
        reason: expect.stringContaining(reason),
      });
      expect(await conscienceState(app)).toMatchObject({
        state: 'degraded',
        reason: expect.stringContaining(
          `built-in fallback axioms in service: axioms file ${basename(path)}`,
        ),
      });
      const ready = await app.http.get('/health/ready?verbose').expect(200);
      expect(ready.body.details.components.components.conscience).toMatchObject({
        state: 'degraded',
      });

      const res = await app.http
        .post('/api/v1/conscience/evaluations')
        .send({ action: BENIGN })
        .expect(201);
      expect(res.body).toMatchObject({
        degraded: true,
        axiomsVersion: 'builtin-fallback-1',
        verdict: 'escalate',
      });
      expect(res.body.reasons[0]).toBe(
        'required by fallback-approval-unless-reversible and not met: An approver for anything not known to be reversible',
      );
      const record = await app.http
        .get(`/api/v1/conscience/evaluations/${res.body.id}`)
        .expect(200);
      expect(record.body.tags).toContain('degraded');
    });
  });

  it('should leave the fallback when a valid file is reloaded through the admin API', async () => {
    const app = await start();
    writeFileSync(path, shippedWithVersion('2025.1.0-ops'));
    const res = await app.http.post('/api/v1/admin/conscience/reload').set(AUTH).expect(200);
    expect(res.body).toMatchObject({
      source: 'file',
      version: '2025.1.0-ops',
      degraded: false,
      reason: null,
      lastReload: { trigger: 'admin', ok: true, changed: true },
    });
    expect(await conscienceState(app)).toMatchObject({ state: 'running' });
    const evaluation = await app.http
      .post('/api/v1/conscience/evaluations')
      .send({ action: BENIGN })
      .expect(201);
    expect(evaluation.body).toMatchObject({
      degraded: false,
      verdict: 'allow',
      axiomsVersion: '2025.1.0-ops',
    });
  });

  it('should replace the set on a valid reload and keep it on an invalid one (422)', async () => {
    copyFileSync(SHIPPED, path);
    const app = await start();
    const before = await axioms(app);
    // The file's name only: an absolute path tells a caller how the host is laid out.
    expect(before).toMatchObject({ source: 'file', version: '2025.1.0', path: basename(path) });
    expect(JSON.stringify(before)).not.toContain(dir);

    writeFileSync(path, shippedWithVersion('2025.2.0'));
    const reloaded = await app.http.post('/api/v1/admin/conscience/reload').set(AUTH).expect(200);
    expect(reloaded.body).toMatchObject({ version: '2025.2.0', source: 'file' });
    expect(reloaded.body.digest).not.toBe(before.digest);

    const broken = JSON.parse(shippedWithVersion('2025.3.0')) as { axioms: object[] };
    broken.axioms[2] = { ...broken.axioms[2], effect: 'veto' };
    writeFileSync(path, JSON.stringify(broken));
    const res = await app.http.post('/api/v1/admin/conscience/reload').set(AUTH).expect(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({
      status: 422,
      code: 'axioms_invalid',
      errors: { 'axioms.2.effect': ['must be one of forbid, require, weigh'] },
    });
    expect(await axioms(app)).toMatchObject({
      version: '2025.2.0',
      degraded: false,
      lastReload: { ok: false, errors: { 'axioms.2.effect': expect.any(Array) } },
    });
    const evaluation = await app.http
      .post('/api/v1/conscience/evaluations')
      .send({ action: BENIGN })
      .expect(201);
    expect(evaluation.body.axiomsVersion).toBe('2025.2.0');

    rmSync(path);
    const missing = await app.http.post('/api/v1/admin/conscience/reload').set(AUTH).expect(422);
    expect(missing.body.errors).toEqual({ file: [`axioms file ${basename(path)} not found`] });
    expect((await axioms(app)).version).toBe('2025.2.0');
  });

  it('should guard the reload route with the admin token', async () => {
    copyFileSync(SHIPPED, path);
    const app = await start();
    await app.http.post('/api/v1/admin/conscience/reload').expect(401);
    await app.http
      .post('/api/v1/admin/conscience/reload')
      .set({ authorization: 'Bearer wrong-token-wrong-token' })
      .expect(401);
  });

  it('should reload by itself when the file changes, and keep the set when it turns invalid', async () => {
    copyFileSync(SHIPPED, path);
    const app = await start(50);
    writeFileSync(path, shippedWithVersion('2025.4.0'));
    await eventually(async () => expect((await axioms(app)).version).toBe('2025.4.0'));
    expect((await axioms(app)).lastReload).toMatchObject({ trigger: 'file-change', ok: true });

    writeFileSync(path, '[]');
    await eventually(async () =>
      expect((await axioms(app)).lastReload).toMatchObject({ trigger: 'file-change', ok: false }),
    );
    expect((await axioms(app)).version).toBe('2025.4.0');
  });
});
