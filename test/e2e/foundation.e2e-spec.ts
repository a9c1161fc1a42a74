import SwaggerParser from '@apidevtools/swagger-parser';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;

describeEachDatabase('Foundation (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db });
  });

  afterAll(async () => {
    await t.destroy();
  });

  describe('errors', () => {
    it('should answer an unknown route with a 404 problem carrying the request id', async () => {
      const res = await t.http.get('/no/such/route').expect(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toEqual({
        type: '/docs/errors#route_not_found',
        title: 'Not Found',
        status: 404,
        detail: 'Cannot GET /no/such/route',
        code: 'route_not_found',
        requestId: res.headers['x-request-id'],
      });
    });

    it('should answer malformed JSON with a 400 problem', async () => {
      const res = await t.http
        .post('/api/v1/anything')
        .set('content-type', 'application/json')
        .send('{"content": ')
        .expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 400, code: 'malformed_json' });
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('should answer a body over the limit with a 413 problem', async () => {
      const res = await t.http
        .post('/api/v1/anything')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ content: 'x'.repeat(t.config.bodyLimitBytes) }))
        .expect(413);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    });
  });

  describe('request ids', () => {
    it('should keep a sane incoming x-request-id', async () => {
      const res = await t.http.get('/nowhere').set('x-request-id', 'client-42.a:b').expect(404);
      expect(res.headers['x-request-id']).toBe('client-42.a:b');
      expect(res.body.requestId).toBe('client-42.a:b');
    });

    it('should replace an insane incoming x-request-id', async () => {
      const res = await t.http.get('/nowhere').set('x-request-id', 'x'.repeat(300)).expect(404);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('should give every request its own id', async () => {
      const [a, b] = await Promise.all([t.http.get('/docs-json'), t.http.get('/docs-json')]);
      expect(a.headers['x-request-id']).toBeTruthy();
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });
  });

  describe('API documentation', () => {
    it('should serve Swagger UI at /docs', async () => {
      const res = await t.http.get('/docs').redirects(1).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('swagger-ui');
    });

    it('should serve a valid OpenAPI 3 document at /docs-json', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      // validate() dereferences in place; give it a copy and let it throw on any schema error.
      await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
    });
  });

  describe('migrations', () => {
    it('should apply every migration at start-up and nothing on a second start', async () => {
      const applied = await t.dataSource.query('SELECT name FROM migrations ORDER BY id');
      expect(applied).toHaveLength(t.dataSource.migrations.length);
      await expect(t.dataSource.showMigrations()).resolves.toBe(false);
      await t.restart();
      const again = await t.dataSource.query('SELECT name FROM migrations ORDER BY id');
      expect(again).toEqual(applied);
      await expect(t.dataSource.showMigrations()).resolves.toBe(false);
    });
  });

  if (db === 'sqlite') {
    describe('SQLite settings', () => {
      it('should run in WAL mode with the documented pragmas', async () => {
        const pragma = async (name: string) =>
          Object.values((await t.dataSource.query(`PRAGMA ${name}`))[0] as object)[0] as unknown;
        await expect(pragma('journal_mode')).resolves.toBe('wal');
        await expect(pragma('synchronous')).resolves.toBe(1); // NORMAL
        await expect(pragma('foreign_keys')).resolves.toBe(1);
        await expect(pragma('auto_vacuum')).resolves.toBe(2); // INCREMENTAL
        await expect(pragma('busy_timeout')).resolves.toBeGreaterThan(0);
      });
    });
  }
});
