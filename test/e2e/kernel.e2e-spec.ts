import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  OnModuleInit,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../../src/common/errors/domain-error';
import {
  ComponentRegistry,
  ComponentRoute,
  ComponentStatus,
  currentComponentContext,
  SupervisedComponent,
} from '../../src/kernel';
import { HttpRequests } from '../../src/kernel/http-requests';
import { WorldModelModule } from '../../src/modules/world-model/world-model.module';
import { eventually as pollUntil } from './utils/eventually';
import { describeEachDatabase, dropSchema } from './utils/databases';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const TOKEN = 'kernel-e2e-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
// Well above what a healthy call takes on a loaded host, so only the slow and hung calls that
// the tests make on purpose run into it.
const TIMEOUT_MS = 1500;

/**
 * A well-behaved component whose start and background work the tests can break. It stands in
 * for the world model (TestApp swaps WorldModelModule for TestComponentsModule); the real
 * memory component is the neighbour that must keep serving.
 */
@Injectable()
class TestComponent implements SupervisedComponent, OnModuleInit {
  readonly name = 'world-model' as const;
  readonly critical = false;
  failingStarts = 0;
  crashLoop = false;
  private loop: NodeJS.Timeout | undefined;

  constructor(private readonly registry: ComponentRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  start(): Promise<void> {
    if (this.failingStarts > 0) {
      this.failingStarts -= 1;
      return Promise.reject(new Error('test start failure'));
    }
    // Background work reports its own fatal errors; the supervisor restarts the component.
    this.loop = setInterval(() => {
      if (this.crashLoop) {
        this.crashLoop = false;
        this.registry.reportFailure(this.name, new Error('loop crashed'));
      }
    }, 10);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.loop);
    this.loop = undefined;
    return Promise.resolve();
  }
}

@Controller('api/v1/test/component')
@ComponentRoute('world-model')
class TestComponentController {
  @Get('ping')
  ping(): { component: string | undefined } {
    return { component: currentComponentContext()?.component };
  }

  @Get('bug')
  bug(): never {
    throw new TypeError('a bug in the handler');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundError('no such thing');
  }

  @Post('echo')
  echo(@Body() body: Record<string, unknown>): Record<string, unknown> {
    return body;
  }

  @Get('slow')
  async slow(@Query('ms', ParseIntPipe) ms: number): Promise<{ ok: boolean }> {
    await sleep(ms);
    return { ok: true };
  }
}

@Module({
  controllers: [TestComponentController],
  providers: [TestComponent],
})
class TestComponentsModule {}

/** Polls `probe` until it stops throwing, for at most `timeoutMs`. */
const eventually = <T>(probe: () => Promise<T>): Promise<T> => pollUntil(probe, 3000, 25);

describeEachDatabase('Kernel (e2e)', (db) => {
  let t: TestApp;
  let subject: TestComponent;
  let registry: ComponentRegistry;

  const component = async (name: string): Promise<ComponentStatus> => {
    const res = await t.http.get('/api/v1/kernel/components').expect(200);
    const found = (res.body.components as ComponentStatus[]).find((c) => c.name === name);
    if (!found) {
      throw new Error(`${name} is not listed`);
    }
    return found;
  };
  const admin = (path: string) => t.http.post(`/api/v1/admin${path}`).set(AUTH);
  const inject = (fault: Record<string, unknown>) =>
    admin('/chaos/faults')
      .send({ durationMs: 60_000, ...fault })
      .expect(201);

  beforeAll(async () => {
    t = await TestApp.create({
      db,
      env: {
        PHOENIX_ADMIN_TOKEN: TOKEN,
        PHOENIX_CHAOS_ENABLED: 'true',
        PHOENIX_COMPONENT_TIMEOUT_MS: String(TIMEOUT_MS),
        PHOENIX_RESTART_INTENSITY: '2',
      },
      replace: [[WorldModelModule, TestComponentsModule]],
    });
    subject = t.app.get(TestComponent);
    registry = t.app.get(ComponentRegistry);
  });

  afterEach(async () => {
    await t.http.delete('/api/v1/admin/chaos/faults').set(AUTH).expect(204);
    subject.failingStarts = 0;
    // An operator start brings each component back and forgets its past restarts.
    await admin('/components/world-model/start').expect(200);
    await admin('/components/memory/start').expect(200);
  });

  afterAll(async () => {
    await t.destroy();
    expect(registry.pendingRestarts()).toBe(0);
  });

  describe('GET /api/v1/kernel/components', () => {
    it('should list every component with its state, publicly', async () => {
      const res = await t.http.get('/api/v1/kernel/components').expect(200);
      const byName = Object.fromEntries(
        (res.body.components as ComponentStatus[]).map((c) => [c.name, c]),
      );
      expect(byName['world-model']).toEqual({
        name: 'world-model',
        state: 'running',
        critical: false,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        restarts: 0,
        lastError: null,
        reason: expect.any(String),
      });
      // The real memory component, critical by default (PHOENIX_CRITICAL_COMPONENTS).
      expect(byName.memory).toMatchObject({ state: 'running', critical: true });
      expect(registry.allStartedOnce()).toBe(true);
    });
  });

  describe('the component boundary', () => {
    it('should run each request inside its component', async () => {
      const res = await t.http.get('/api/v1/test/component/ping').expect(200);
      expect(res.body).toEqual({ component: 'world-model' });
    });

    it('should answer 503 with Retry-After, quickly, while a component is stopped', async () => {
      const stopped = await admin('/components/world-model/stop').expect(200);
      expect(stopped.body).toMatchObject({ name: 'world-model', state: 'stopped' });
      // Quickly: the detail below says it was turned away as stopped, not by the timeout.
      const res = await t.http.get('/api/v1/test/component/ping').expect(503);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.body).toEqual({
        type: '/docs/errors#component_unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail:
          'The world-model component is not available: it is stopped (stopped by an operator)',
        code: 'component_unavailable',
        component: 'world-model',
        requestId: res.headers['x-request-id'],
      });
      // The other components go on serving, and the other way round.
      await t.http.get('/api/v1/log/head').expect(200);
      await admin('/components/memory/stop').expect(200);
      await t.http.get('/api/v1/log/head').expect(503);
      // Validation comes first: a malformed request learns of its own mistake, a valid one of
      // the outage.
      const malformed = await t.http.get('/api/v1/memories/not-a-uuid').expect(400);
      expect(malformed.body).toMatchObject({ code: 'invalid_id' });
      await t.http.post('/api/v1/memories').send({ kind: 'BAD KIND' }).expect(400);
      await t.http.post('/api/v1/memories').send({ content: 'ok' }).expect(503);
      await admin('/components/memory/start').expect(200);
      await t.http.get('/api/v1/log/head').expect(200);
      await expect(component('world-model')).resolves.toMatchObject({ state: 'stopped' });

      await admin('/components/world-model/start').expect(200);
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should restart a component on request and count the restart', async () => {
      const before = (await component('world-model')).restarts;
      const res = await admin('/components/world-model/restart').expect(200);
      expect(res.body).toMatchObject({ state: 'running', restarts: before + 1 });
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should answer a bug with a 500 and keep the component running', async () => {
      const errorsBefore = registry.errorCount('world-model');
      const res = await t.http.get('/api/v1/test/component/bug').expect(500);
      expect(res.body).toMatchObject({ code: 'internal_error' });
      expect(res.body.detail).not.toMatch(/a bug/);
      expect(registry.errorCount('world-model')).toBe(errorsBefore + 1);
      await expect(component('world-model')).resolves.toMatchObject({ state: 'running' });
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });

    it('should pass a domain error through unchanged', async () => {
      const res = await t.http.get('/api/v1/test/component/missing').expect(404);
      expect(res.body).toMatchObject({ code: 'not_found', detail: 'no such thing' });
    });

    it('should answer 503 instead of hanging when a component is too slow', async () => {
      const res = await t.http.get(`/api/v1/test/component/slow?ms=${TIMEOUT_MS * 2}`).expect(503);
      expect(res.body.detail).toBe(
        `The world-model component is not available: no answer within ${TIMEOUT_MS} ms`,
      );
      await t.http.get('/api/v1/test/component/slow?ms=10').expect(200);
    });
  });

  describe('supervision', () => {
    it('should restart a component whose background work fails', async () => {
      const before = (await component('world-model')).restarts;
      subject.crashLoop = true;
      const after = await eventually(async () => {
        const status = await component('world-model');
        expect(status).toMatchObject({
          state: 'running',
          restarts: before + 1,
          lastError: 'loop crashed',
        });
        return status;
      });
      expect(after.reason).toMatch(/by the supervisor/);
    });

    it('should give up past the restart intensity until an operator starts it', async () => {
      subject.failingStarts = 100;
      await inject({ component: 'world-model', type: 'crash' });
      await t.http.get('/api/v1/test/component/ping').expect(503);
      const givenUp = await eventually(async () => {
        const status = await component('world-model');
        expect(status.reason).toMatch(/^restart intensity exceeded: 2 restarts within/);
        return status;
      });
      expect(givenUp).toMatchObject({ state: 'failed', lastError: 'test start failure' });
      await t.http.get('/api/v1/log/head').expect(200);

      subject.failingStarts = 0;
      await t.http.delete('/api/v1/admin/chaos/faults').set(AUTH).expect(204);
      const res = await admin('/components/world-model/start').expect(200);
      expect(res.body).toMatchObject({ state: 'running' });
      await t.http.get('/api/v1/test/component/ping').expect(200);
    });
  });

  describe('fault injection', () => {
    it('should fail calls with 503 for an error fault and leave the others alone', async () => {
      await inject({ component: 'world-model', type: 'error' });
      const res = await t.http.get('/api/v1/test/component/ping').expect(503);
      expect(res.body).toMatchObject({
        code: 'component_unavailable',
        detail: 'The world-model component is not available: injected fault',
      });
      expect(res.headers['retry-after']).toBeDefined();
      await t.http.get('/api/v1/log/head').expect(200);
      await expect(component('world-model')).resolves.toMatchObject({ state: 'running' });
    });

    it('should hit about `probability` of the calls', async () => {
      await inject({ component: 'world-model', type: 'error', probability: 0.5 });
      const statuses = [];
      for (let i = 0; i < 40; i++) {
        statuses.push((await t.http.get('/api/v1/test/component/ping')).status);
      }
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    });

    it('should delay calls for a latency fault', async () => {
      await inject({ component: 'world-model', type: 'latency', latencyMs: 150 });
      const started = Date.now();
      await t.http.get('/api/v1/test/component/ping').expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    });

    it('should crash the component for a crash fault; the supervisor restarts it', async () => {
      const before = (await component('world-model')).restarts;
      await inject({ component: 'world-model', type: 'crash' });
      const res = await t.http.get('/api/v1/test/component/ping').expect(503);
      expect(res.body.detail).toMatch(/injected crash fault/);
      await t.http.delete('/api/v1/admin/chaos/faults').set(AUTH).expect(204);
      const crashed = await component('world-model');
      expect(crashed).toMatchObject({ lastError: 'injected crash fault' });
      expect(['failed', 'starting', 'running']).toContain(crashed.state);
      // Back after its 100 ms backoff, restarted once.
      await eventually(async () => {
        await t.http.get('/api/v1/test/component/ping').expect(200);
        expect(await component('world-model')).toMatchObject({ restarts: before + 1 });
      });
    });

    it('should hang calls for a hang fault until the boundary timeout answers 503', async () => {
      await inject({ component: 'world-model', type: 'hang' });
      const started = Date.now();
      const res = await t.http.get('/api/v1/test/component/ping').expect(503);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
      expect(res.body.detail).toMatch(/no answer within/);
      await t.http.get('/api/v1/log/head').expect(200);
    });
  });

  describe('shutdown', () => {
    it('should answer requests in flight before it stops the components', async () => {
      const app = await TestApp.create({ db, replace: [[WorldModelModule, TestComponentsModule]] });
      try {
        const base = new URL(await app.listen());
        // A request whose body is still arriving when shutdown begins, and a slow call.
        const socket = new Socket();
        const raw = new Promise<string>((resolve, reject) => {
          let text = '';
          socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
        await new Promise<void>((resolve) =>
          socket.connect(Number(base.port), base.hostname, resolve),
        );
        const body = JSON.stringify({ note: 'in flight' });
        socket.write(
          `POST /api/v1/test/component/echo HTTP/1.1\r\nHost: x\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
            `Connection: close\r\n\r\n${body.slice(0, 5)}`,
        );
        const slow = fetch(`${base.origin}/api/v1/test/component/slow?ms=300`);
        // Both requests are in: headers read, the echo still waiting for the rest of its body.
        const requests = app.app.get(HttpRequests).inFlight;
        await pollUntil(() => Promise.resolve(expect(requests.size).toBe(2)));
        const closing = app.app.close();
        // The rest of the body arrives after the slow call is done.
        await sleep(400);
        socket.end(body.slice(5));
        expect(await raw).toMatch(/^HTTP\/1\.1 201 [^]*\{"note":"in flight"\}$/);
        expect((await slow).status).toBe(200);
        await closing;
        expect(app.app.get(ComponentRegistry).list()).toContainEqual(
          expect.objectContaining({ name: 'world-model', state: 'stopped' }),
        );
      } finally {
        rmSync(app.dataDir, { recursive: true, force: true });
        if (app.schema) {
          await dropSchema(app.schema);
        }
      }
    });
  });
});
