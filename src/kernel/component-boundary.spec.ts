import { Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ComponentUnavailableError, ConflictError } from '../common/errors/domain-error';
import { loadConfig } from '../config/environment';
import { ComponentBoundary } from './component-boundary';
import { ComponentRegistry } from './component-registry';
import { FaultInjector } from './faults/fault-injector';
import { currentComponentContext } from './kernel-context';
import { FakeComponent } from './testing/fake-component';

describe(ComponentBoundary.name, () => {
  let registry: ComponentRegistry;
  let faults: FaultInjector;
  let boundary: ComponentBoundary;

  const fault = (type: 'error' | 'latency' | 'crash' | 'hang', latencyMs: number | null = null) =>
    faults.add({ component: 'memory', type, probability: 1, latencyMs, durationMs: 60_000 });

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers();
    const config = loadConfig({ NODE_ENV: 'test', PHOENIX_COMPONENT_TIMEOUT_MS: '1000' });
    registry = new ComponentRegistry(config, new EventEmitter2());
    faults = new FaultInjector();
    boundary = new ComponentBoundary(registry, faults, config);
    registry.register(new FakeComponent('memory'));
    registry.register(new FakeComponent('conscience'));
    await registry.startAll();
  });

  afterEach(async () => {
    await registry.stopAll();
    boundary.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('should pass the result through and run the call in the component’s context', async () => {
    await expect(
      boundary.call('memory', () => Promise.resolve(currentComponentContext())),
    ).resolves.toEqual({ component: 'memory', origin: 'call' });
    expect(boundary.inFlight).toBe(0);
  });

  it('should answer 503 at once for a component that does not serve', async () => {
    await registry.stop('memory');
    const fn = jest.fn(() => Promise.resolve(1));
    await expect(boundary.call('memory', fn)).rejects.toThrow(ComponentUnavailableError);
    expect(fn).not.toHaveBeenCalled();
    await expect(boundary.call('conscience', fn)).resolves.toBe(1);
  });

  it('should answer 503 for a component that is not registered', async () => {
    await expect(boundary.call('world-model', () => Promise.resolve(1))).rejects.toThrow(
      'The world-model component is not available: it is not registered',
    );
  });

  it('should pass domain and HTTP errors through unchanged, without counting them', async () => {
    const conflict = new ConflictError('taken');
    await expect(boundary.call('memory', () => Promise.reject(conflict))).rejects.toBe(conflict);
    const notFound = new NotFoundException();
    await expect(boundary.call('memory', () => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(registry.errorCount('memory')).toBe(0);
  });

  it('should count any other error against the component and keep it running', async () => {
    const bug = new TypeError('x is undefined');
    await expect(boundary.call('memory', () => Promise.reject(bug))).rejects.toBe(bug);
    expect(registry.errorCount('memory')).toBe(1);
    expect(registry.status('memory').state).toBe('running');
  });

  it('should answer 503 when the component does not answer in time', async () => {
    const call = boundary.call('memory', () => new Promise<never>(() => undefined));
    const settled = expect(call).rejects.toThrow(
      'The memory component is not available: no answer within 1000 ms',
    );
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    expect(boundary.inFlight).toBe(0);
  });

  describe('faults', () => {
    it('should fail a call with 503 for an error fault, and keep the component up', async () => {
      fault('error');
      const fn = jest.fn(() => Promise.resolve(1));
      await expect(boundary.call('memory', fn)).rejects.toThrow(
        'The memory component is not available: injected fault',
      );
      expect(fn).not.toHaveBeenCalled();
      expect(registry.status('memory').state).toBe('running');
      await expect(boundary.call('conscience', fn)).resolves.toBe(1);
    });

    it('should delay a call for a latency fault', async () => {
      fault('latency', 300);
      let done = false;
      const call = boundary
        .call('memory', () => Promise.resolve('late'))
        .then((value) => {
          done = true;
          return value;
        });
      await jest.advanceTimersByTimeAsync(299);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await expect(call).resolves.toBe('late');
    });

    it('should answer 503 when the latency exceeds the timeout, leaving no timer', async () => {
      fault('latency', 5000);
      const call = boundary.call('memory', () => Promise.resolve(1));
      const settled = expect(call).rejects.toThrow(/no answer within 1000 ms/);
      await jest.advanceTimersByTimeAsync(1000);
      await settled;
      expect(jest.getTimerCount()).toBe(0);
    });

    it('should fail the component for a crash fault; the supervisor restarts it', async () => {
      fault('crash');
      await expect(boundary.call('memory', () => Promise.resolve(1))).rejects.toThrow(
        /injected crash fault/,
      );
      expect(registry.status('memory')).toMatchObject({
        state: 'failed',
        lastError: 'injected crash fault',
      });
      faults.clear();
      await jest.advanceTimersByTimeAsync(100);
      expect(registry.status('memory')).toMatchObject({ state: 'running', restarts: 1 });
    });

    it('should hang a call until the boundary timeout answers 503', async () => {
      fault('hang');
      const fn = jest.fn(() => Promise.resolve(1));
      const call = boundary.call('memory', fn);
      const settled = expect(call).rejects.toThrow(/no answer within 1000 ms/);
      await jest.advanceTimersByTimeAsync(1000);
      await settled;
      expect(fn).not.toHaveBeenCalled();
      expect(registry.status('memory').state).toBe('running');
    });
  });

  describe('drain', () => {
    it('should resolve at once with nothing in flight', async () => {
      await expect(boundary.drain(10)).resolves.toBe(true);
    });

    it('should wait for calls in flight, within a bound', async () => {
      let finish: () => void = () => undefined;
      const call = boundary.call('memory', () => new Promise<void>((r) => (finish = r)));
      expect(boundary.inFlight).toBe(1);
      const drained = boundary.drain(500);
      await jest.advanceTimersByTimeAsync(100);
      finish();
      await call;
      await expect(drained).resolves.toBe(true);

      const stuck = boundary.call('memory', () => new Promise<never>(() => undefined));
      const gaveUp = boundary.drain(100);
      await jest.advanceTimersByTimeAsync(100);
      await expect(gaveUp).resolves.toBe(false);
      const settled = expect(stuck).rejects.toThrow(ComponentUnavailableError);
      await jest.advanceTimersByTimeAsync(1000);
      await settled;
    });
  });
});
