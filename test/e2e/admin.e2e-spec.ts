import SwaggerParser from '@apidevtools/swagger-parser';
import { Controller, Get, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ComponentRegistry, ComponentRoute, SupervisedComponent } from '../../src/kernel';
import { WorldModelModule } from '../../src/modules/world-model/world-model.module';
import { describeEachDatabase } from './utils/databases';
import { eventually } from './utils/eventually';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const TOKEN = 'admin-e2e-token-0123456789abcdef';

/** A test-only component (the world model is not built yet). */
@Injectable()
class TestComponent implements SupervisedComponent, OnModuleInit {
  readonly name = 'world-model' as const;
  readonly critical = false;

  constructor(private readonly registry: ComponentRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

@Controller('api/v1/test/component')
@ComponentRoute('world-model')
class TestComponentController {
  @Get('ping')
  ping(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [TestComponentController], providers: [TestComponent] })
class TestComponentsModule {}

describeEachDatabase('Admin API (e2e)', (db) => {
  describe('without PHOENIX_ADMIN_TOKEN', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: { PHOENIX_CHAOS_ENABLED: 'true' },
        replace: [[WorldModelModule, TestComponentsModule]],
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should answer 404 route_not_found, as for an unknown route, even with a token', async () => {
      const unknown = await t.http.post('/api/v1/admin/no-such-route').expect(404);
      for (const path of ['/components/world-model/stop', '/chaos/faults']) {
        const res = await t.http
          .post(`/api/v1/admin${path}`)
          .set('authorization', `Bearer ${TOKEN}`)
          .send({ component: 'world-model', type: 'error', durationMs: 1000 })
          .expect(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.headers['www-authenticate']).toBeUndefined();
        expect(res.body).toEqual({
          ...unknown.body,
          detail: `Cannot POST /api/v1/admin${path}`,
          requestId: res.headers['x-request-id'],
        });
      }
      await t.http.get('/api/v1/admin/chaos/faults').expect(404);
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should still list the components publicly', async () => {
      await t.http.get('/api/v1/kernel/components').expect(200);
    });
  });

  describe('with PHOENIX_ADMIN_TOKEN, chaos disabled', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: { PHOENIX_ADMIN_TOKEN: TOKEN },
        replace: [[WorldModelModule, TestComponentsModule]],
      });
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should answer 401 with a Bearer challenge without a token', async () => {
      const res = await t.http.post('/api/v1/admin/components/world-model/stop').expect(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="phoenix-admin"');
      expect(res.body).toMatchObject({
        status: 401,
        code: 'unauthorized',
        requestId: res.headers['x-request-id'],
      });
      await t.http
        .post('/api/v1/admin/components/world-model/stop')
        .set('authorization', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`)
        .expect(401);
    });

    it('should answer 401 for a wrong token, of any length', async () => {
      for (const wrong of [TOKEN.replace(/.$/, 'x'), 'short', `${TOKEN}${TOKEN}`]) {
        const res = await t.http
          .post('/api/v1/admin/components/world-model/stop')
          .set('authorization', `Bearer ${wrong}`)
          .expect(401);
        expect(res.headers['www-authenticate']).toBe(
          'Bearer realm="phoenix-admin", error="invalid_token"',
        );
        expect(res.body.code).toBe('unauthorized');
      }
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should stop, start and restart a component with the right token', async () => {
      const stop = await t.http
        .post('/api/v1/admin/components/world-model/stop')
        .set('authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(stop.body).toMatchObject({ name: 'world-model', state: 'stopped' });
      const refused = await t.http.get('/api/v1/test/component/ping').expect(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body.code).toBe('component_unavailable');

      const start = await t.http
        .post('/api/v1/admin/components/world-model/start')
        .set('authorization', `bearer ${TOKEN}`)
        .expect(200);
      expect(start.body).toMatchObject({ state: 'running' });
      await t.http.get('/api/v1/test/component/ping').expect(200);

      const restart = await t.http
        .post('/api/v1/admin/components/world-model/restart')
        .set('authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(restart.body).toMatchObject({ state: 'running', restarts: 1 });
      const listed = await t.http.get('/api/v1/kernel/components').expect(200);
      expect(listed.body.components).toContainEqual(
        expect.objectContaining({ name: 'world-model', state: 'running', restarts: 1 }),
      );
    });

    it('should answer 400 for an unknown component', async () => {
      const res = await t.http
        .post('/api/v1/admin/components/nope/stop')
        .set('authorization', `Bearer ${TOKEN}`)
        .expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({
        code: 'unknown_component',
        errors: { name: [expect.any(String)] },
      });
    });

    it('should answer 404 for the chaos API, authenticated or not', async () => {
      const unknown = await t.http.get('/api/v1/admin/chaos/nothing').expect(404);
      for (const auth of [{}, { authorization: `Bearer ${TOKEN}` }]) {
        const res = await t.http.get('/api/v1/admin/chaos/faults').set(auth).expect(404);
        expect(res.body).toMatchObject({ code: unknown.body.code, title: unknown.body.title });
        await t.http
          .post('/api/v1/admin/chaos/faults')
          .set(auth)
          .send({ component: 'world-model', type: 'error', durationMs: 1000 })
          .expect(404);
        await t.http.delete('/api/v1/admin/chaos/faults').set(auth).expect(404);
      }
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should document the admin routes under the admin tag, with bearer security', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      const doc = res.body;
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
      const stop = doc.paths['/api/v1/admin/components/{name}/stop'].post;
      expect(stop.tags).toContain('admin');
      expect(stop.security).toEqual([{ admin: [] }]);
      expect(Object.keys(stop.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '404']),
      );
      expect(stop.responses['401'].content).toHaveProperty(['application/problem+json']);
      const faults = doc.paths['/api/v1/admin/chaos/faults'];
      expect(Object.keys(faults)).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
      expect(faults.post.tags).toContain('admin');
      expect(doc.paths['/api/v1/admin/chaos/faults/{id}'].delete.tags).toContain('admin');
      const list = doc.paths['/api/v1/kernel/components'].get;
      expect(list.tags).not.toContain('admin');
      expect(list.responses['200']).toBeDefined();
      const ping = doc.paths['/api/v1/test/component/ping'].get;
      expect(ping.responses['503'].headers).toHaveProperty('Retry-After');
    });
  });

  describe('with chaos enabled', () => {
    let t: TestApp;
    const auth = { authorization: `Bearer ${TOKEN}` };

    beforeAll(async () => {
      t = await TestApp.create({
        db,
        env: { PHOENIX_ADMIN_TOKEN: TOKEN, PHOENIX_CHAOS_ENABLED: 'true' },
        replace: [[WorldModelModule, TestComponentsModule]],
      });
    });

    afterEach(async () => {
      await t.http.delete('/api/v1/admin/chaos/faults').set(auth).expect(204);
    });

    afterAll(async () => {
      await t.destroy();
    });

    it('should require the token', async () => {
      await t.http.get('/api/v1/admin/chaos/faults').expect(401);
    });

    it('should validate a fault and name every bad field', async () => {
      const res = await t.http
        .post('/api/v1/admin/chaos/faults')
        .set(auth)
        .send({ component: 'kernel', type: 'explode', probability: 2, extra: true })
        .expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('validation_failed');
      expect(Object.keys(res.body.errors).sort()).toEqual(
        ['component', 'durationMs', 'extra', 'probability', 'type'].sort(),
      );
      const latency = await t.http
        .post('/api/v1/admin/chaos/faults')
        .set(auth)
        .send({ component: 'world-model', type: 'latency', durationMs: 10 * 60_000 + 1 })
        .expect(400);
      expect(Object.keys(latency.body.errors).sort()).toEqual(['durationMs', 'latencyMs']);
    });

    it('should inject, list and clear faults', async () => {
      const created = await t.http
        .post('/api/v1/admin/chaos/faults')
        .set(auth)
        .send({ component: 'world-model', type: 'latency', latencyMs: 10, durationMs: 60_000 })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        component: 'world-model',
        type: 'latency',
        probability: 1,
        latencyMs: 10,
        durationMs: 60_000,
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(60_000);
      const other = await t.http
        .post('/api/v1/admin/chaos/faults')
        .set(auth)
        .send({ component: 'memory', type: 'error', probability: 0.5, durationMs: 60_000 })
        .expect(201);
      expect(other.body).toMatchObject({ latencyMs: null, probability: 0.5 });

      const listed = await t.http.get('/api/v1/admin/chaos/faults').set(auth).expect(200);
      expect(listed.body).toEqual({ faults: [created.body, other.body] });

      await t.http.delete(`/api/v1/admin/chaos/faults/${created.body.id}`).set(auth).expect(204);
      const missing = await t.http
        .delete(`/api/v1/admin/chaos/faults/${created.body.id}`)
        .set(auth)
        .expect(404);
      expect(missing.body.code).toBe('fault_not_found');
      const after = await t.http.get('/api/v1/admin/chaos/faults').set(auth).expect(200);
      expect(after.body).toEqual({ faults: [other.body] });

      await t.http.delete('/api/v1/admin/chaos/faults').set(auth).expect(204);
      const none = await t.http.get('/api/v1/admin/chaos/faults').set(auth).expect(200);
      expect(none.body).toEqual({ faults: [] });
    });

    it('should let a fault expire by itself', async () => {
      await t.http
        .post('/api/v1/admin/chaos/faults')
        .set(auth)
        .send({ component: 'world-model', type: 'error', durationMs: 1000 })
        .expect(201);
      await t.http.get('/api/v1/test/component/ping').expect(503);
      // Nobody clears it: it ends by itself, and leaves the list.
      await eventually(() => t.http.get('/api/v1/test/component/ping').expect(200), 10_000);
      const listed = await t.http.get('/api/v1/admin/chaos/faults').set(auth).expect(200);
      expect(listed.body).toEqual({ faults: [] });
    });
  });
});
