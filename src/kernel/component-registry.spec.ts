import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ComponentUnavailableError } from '../common/errors/domain-error';
import { loadConfig } from '../config/environment';
import { ComponentRegistry } from './component-registry';
import { COMPONENT_STATE_CHANGED, ComponentStateChangedEvent } from './component-status';
import { UnknownComponentError } from './kernel.errors';
import { FakeComponent } from './testing/fake-component';

describe(ComponentRegistry.name, () => {
  let events: ComponentStateChangedEvent[];
  let journal: string[];
  let registry: ComponentRegistry;
  let memory: FakeComponent;
  let world: FakeComponent;

  function createRegistry(env: Record<string, string> = {}): ComponentRegistry {
    const emitter = new EventEmitter2();
    emitter.on(COMPONENT_STATE_CHANGED, (event: ComponentStateChangedEvent) => events.push(event));
    const config = loadConfig({
      NODE_ENV: 'test',
      PHOENIX_RESTART_INTENSITY: '3',
      PHOENIX_COMPONENT_START_TIMEOUT_MS: '1000',
      ...env,
    });
    return new ComponentRegistry(config, emitter);
  }

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    jest.useFakeTimers();
    events = [];
    journal = [];
    registry = createRegistry();
    memory = new FakeComponent('memory', journal);
    world = new FakeComponent('world-model', journal);
    registry.register(memory);
    registry.register(world);
  });

  afterEach(async () => {
    await registry.stopAll();
    expect(registry.pendingRestarts()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  const transitions = (name: string) =>
    events.filter((e) => e.name === name).map((e) => `${e.from}→${e.to}`);

  describe('registration and start-up', () => {
    it('should list registered components as stopped until start-up', () => {
      expect(registry.list().map((s) => [s.name, s.state])).toEqual([
        ['memory', 'stopped'],
        ['world-model', 'stopped'],
      ]);
      expect(registry.allStartedOnce()).toBe(false);
    });

    it('should refuse a second component with the same name', () => {
      expect(() => registry.register(new FakeComponent('memory'))).toThrow(/already registered/);
    });

    it('should start every component and publish each transition', async () => {
      await registry.startAll();
      expect(registry.status('memory')).toEqual({
        name: 'memory',
        state: 'running',
        critical: true,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        restarts: 0,
        lastError: null,
        reason: 'application start-up',
      });
      expect(registry.status('world-model').critical).toBe(false);
      expect(transitions('memory')).toEqual(['stopped→starting', 'starting→running']);
      expect(events[0]).toEqual({
        name: 'memory',
        from: 'stopped',
        to: 'starting',
        reason: 'application start-up',
        at: expect.any(String),
      });
      expect(registry.allStartedOnce()).toBe(true);
    });

    it('should take critical from PHOENIX_CRITICAL_COMPONENTS', () => {
      const custom = createRegistry({ PHOENIX_CRITICAL_COMPONENTS: 'world-model' });
      custom.register(new FakeComponent('memory'));
      custom.register(new FakeComponent('world-model'));
      expect(custom.list().map((s) => s.critical)).toEqual([false, true]);
    });

    it('should not fail start-up when one component fails to start, and restart it', async () => {
      memory.failingStarts = 1;
      await registry.startAll();
      expect(registry.status('memory')).toMatchObject({
        state: 'failed',
        lastError: 'memory could not start',
        reason: 'start failed: memory could not start',
      });
      expect(registry.status('world-model').state).toBe('running');
      expect(registry.allStartedOnce()).toBe(false);
      await jest.advanceTimersByTimeAsync(100);
      expect(registry.status('memory')).toMatchObject({ state: 'running', restarts: 1 });
      expect(registry.allStartedOnce()).toBe(true);
    });

    it('should fail a start that does not finish within the start timeout', async () => {
      memory.hangingStart = true;
      const started = registry.startAll();
      await jest.advanceTimersByTimeAsync(1000);
      await started;
      expect(registry.status('memory')).toMatchObject({
        state: 'failed',
        reason: 'start failed: start() did not finish within 1000 ms',
      });
    });
  });

  describe('supervision', () => {
    beforeEach(async () => {
      await registry.startAll();
    });

    it('should restart a component that reports a failure, after 100 ms', async () => {
      registry.reportFailure('memory', new Error('loop died'));
      expect(registry.status('memory')).toMatchObject({
        state: 'failed',
        lastError: 'loop died',
        reason: 'loop died',
      });
      expect(() => registry.assertServing('memory')).toThrow(ComponentUnavailableError);
      await jest.advanceTimersByTimeAsync(99);
      expect(registry.status('memory').state).toBe('failed');
      await jest.advanceTimersByTimeAsync(1);
      expect(registry.status('memory')).toMatchObject({
        state: 'running',
        restarts: 1,
        lastError: 'loop died',
      });
      // The failed instance is stopped before it starts again.
      expect(journal.slice(-2)).toEqual(['stop memory', 'start memory']);
      expect(transitions('memory').slice(2)).toEqual([
        'running→failed',
        'failed→starting',
        'starting→running',
      ]);
    });

    it('should back off exponentially and stay failed past the intensity', async () => {
      memory.failingStarts = 100;
      registry.reportFailure('memory', new Error('boom'));
      for (const delay of [100, 200, 400]) {
        await jest.advanceTimersByTimeAsync(delay - 1);
        expect(registry.status('memory').state).toBe('failed');
        await jest.advanceTimersByTimeAsync(1);
      }
      expect(memory.starts).toBe(4);
      const status = registry.status('memory');
      expect(status).toMatchObject({ state: 'failed', restarts: 3 });
      expect(status.reason).toMatch(/^restart intensity exceeded: 3 restarts within 60000 ms/);
      expect(registry.pendingRestarts()).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(memory.starts).toBe(4);
      expect(registry.status('world-model').state).toBe('running');
    });

    it('should let an operator start a component given up on, with a fresh window', async () => {
      memory.failingStarts = 3;
      registry.reportFailure('memory', new Error('boom'));
      await jest.advanceTimersByTimeAsync(100 + 200 + 400);
      expect(registry.status('memory').reason).toMatch(/restart intensity exceeded/);
      await expect(registry.start('memory')).resolves.toMatchObject({ state: 'running' });
      registry.reportFailure('memory', new Error('again'));
      await jest.advanceTimersByTimeAsync(100);
      expect(registry.status('memory').state).toBe('running');
    });

    it('should ignore a failure reported by a stopped component', async () => {
      await registry.stop('memory');
      registry.reportFailure('memory', new Error('late'));
      expect(registry.status('memory')).toMatchObject({ state: 'stopped', lastError: null });
      expect(registry.pendingRestarts()).toBe(0);
    });

    it('should follow the component’s self-report between running and degraded', () => {
      memory.report = { state: 'degraded', reason: 'axioms missing' };
      expect(registry.status('memory')).toMatchObject({
        state: 'degraded',
        reason: 'axioms missing',
      });
      expect(() => registry.assertServing('memory')).not.toThrow();
      memory.report = { state: 'running' };
      expect(registry.status('memory')).toMatchObject({ state: 'running', reason: 'recovered' });
      expect(transitions('memory').slice(2)).toEqual(['running→degraded', 'degraded→running']);
    });
  });

  describe('operator actions', () => {
    beforeEach(async () => {
      await registry.startAll();
    });

    it('should stop a component, turn calls away with Retry-After, and start it again', async () => {
      await expect(registry.stop('memory')).resolves.toMatchObject({
        state: 'stopped',
        reason: 'stopped by an operator',
      });
      expect(memory.stops).toBe(1);
      let error: unknown;
      try {
        registry.assertServing('memory');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ComponentUnavailableError);
      expect((error as ComponentUnavailableError).headers['Retry-After']).toBe('5');
      expect((error as Error).message).toBe(
        'The memory component is not available: it is stopped (stopped by an operator)',
      );
      await expect(registry.start('memory')).resolves.toMatchObject({ state: 'running' });
    });

    it('should restart a component and count it', async () => {
      await expect(registry.restart('memory')).resolves.toMatchObject({
        state: 'running',
        restarts: 1,
        reason: 'restarted by an operator',
      });
      expect(journal.slice(-2)).toEqual(['stop memory', 'start memory']);
    });

    it('should cancel a scheduled restart when an operator stops a failed component', async () => {
      registry.reportFailure('memory', new Error('boom'));
      expect(registry.pendingRestarts()).toBe(1);
      await registry.stop('memory');
      expect(registry.pendingRestarts()).toBe(0);
      await jest.advanceTimersByTimeAsync(1000);
      expect(registry.status('memory').state).toBe('stopped');
    });

    it('should answer 400 for an unknown component', async () => {
      await expect(registry.stop('nope')).rejects.toThrow(UnknownComponentError);
      expect(() => registry.status('conscience')).toThrow(UnknownComponentError);
    });
  });

  describe('shutdown', () => {
    it('should stop components in the reverse order of registration and restart none', async () => {
      await registry.startAll();
      registry.reportFailure('memory', new Error('boom'));
      await registry.stopAll();
      expect(journal.slice(-2)).toEqual(['stop world-model', 'stop memory']);
      expect(registry.list().map((s) => s.state)).toEqual(['stopped', 'stopped']);
      await jest.advanceTimersByTimeAsync(1000);
      expect(memory.starts).toBe(1);
    });
  });
});
