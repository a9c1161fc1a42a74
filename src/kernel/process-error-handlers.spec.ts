import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { loadConfig } from '../config/environment';
import { ComponentRegistry } from './component-registry';
import { runInComponentContext } from './kernel-context';
import { ProcessErrorHandlers } from './process-error-handlers';
import { FakeComponent } from './testing/fake-component';

describe(ProcessErrorHandlers.name, () => {
  let registry: ComponentRegistry;
  let handlers: ProcessErrorHandlers;
  let listenersBefore: number;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    registry = new ComponentRegistry(loadConfig({ NODE_ENV: 'test' }), new EventEmitter2());
    registry.register(new FakeComponent('memory'));
    await registry.startAll();
    listenersBefore = process.listenerCount('unhandledRejection');
    handlers = new ProcessErrorHandlers(registry);
    handlers.onModuleInit();
  });

  afterEach(async () => {
    handlers.onApplicationShutdown();
    expect(process.listenerCount('unhandledRejection')).toBe(listenersBefore);
    await registry.stopAll();
  });

  // Node emits these events with the async context of the failed work; jest sandboxes the
  // process object, so the events are emitted by hand here, inside the right context.
  const rejection = (error: Error) => process.emit('unhandledRejection', error, Promise.resolve());

  it('should install its listeners once', () => {
    handlers.onModuleInit();
    expect(process.listenerCount('unhandledRejection')).toBe(listenersBefore + 1);
    expect(process.listenerCount('uncaughtException')).toBeGreaterThanOrEqual(1);
  });

  it('should count an error raised while serving a call, and keep the component up', () => {
    runInComponentContext({ component: 'memory', origin: 'call' }, () =>
      rejection(new Error('stray')),
    );
    expect(registry.errorCount('memory')).toBe(1);
    expect(registry.status('memory').state).toBe('running');
  });

  it('should fail a component whose background work left an error behind', () => {
    runInComponentContext({ component: 'memory', origin: 'lifecycle' }, () =>
      process.emit('uncaughtException', new Error('loop died')),
    );
    expect(registry.status('memory')).toMatchObject({ state: 'failed', lastError: 'loop died' });
    expect(registry.pendingRestarts()).toBe(1);
  });

  it('should log and carry on for an error outside any component', () => {
    expect(() => rejection(new Error('nobody'))).not.toThrow();
    expect(registry.errorCount('memory')).toBe(0);
  });
});
