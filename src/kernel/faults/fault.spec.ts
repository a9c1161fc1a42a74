import { Logger } from '@nestjs/common';
import { FaultNotFoundError } from '../kernel.errors';
import { ActiveFault, selectFault } from './fault';
import { FaultInjector } from './fault-injector';

function fault(overrides: Partial<ActiveFault>): ActiveFault {
  return {
    id: 'f',
    component: 'memory',
    type: 'error',
    probability: 1,
    latencyMs: null,
    durationMs: 1000,
    createdAt: new Date(0).toISOString(),
    expiresAt: new Date(1000).toISOString(),
    expiresAtMs: 1000,
    ...overrides,
  };
}

describe(selectFault.name, () => {
  it('should hit only calls to the fault’s component', () => {
    const faults = [fault({ component: 'conscience' })];
    expect(selectFault(faults, 'memory', 0)).toBeUndefined();
    expect(selectFault(faults, 'conscience', 0)).toBe(faults[0]);
  });

  it('should ignore an expired fault', () => {
    const faults = [fault({ expiresAtMs: 1000 })];
    expect(selectFault(faults, 'memory', 999)).toBe(faults[0]);
    expect(selectFault(faults, 'memory', 1000)).toBeUndefined();
  });

  it('should fire with the fault’s probability', () => {
    const faults = [fault({ probability: 0.25 })];
    expect(selectFault(faults, 'memory', 0, () => 0.24)).toBe(faults[0]);
    expect(selectFault(faults, 'memory', 0, () => 0.25)).toBeUndefined();
    expect(selectFault([fault({ probability: 0 })], 'memory', 0, () => 0)).toBeUndefined();
  });

  it('should let the first fault that fires win, in the order of injection', () => {
    const faults = [
      fault({ id: 'a', type: 'latency', probability: 0.5 }),
      fault({ id: 'b', type: 'error', probability: 0.5 }),
    ];
    expect(selectFault(faults, 'memory', 0, () => 0.1)?.id).toBe('a');
    const rolls = [0.9, 0.1];
    expect(selectFault(faults, 'memory', 0, () => rolls.shift() ?? 1)?.id).toBe('b');
    expect(selectFault(faults, 'memory', 0, () => 0.9)).toBeUndefined();
  });

  it('should hit roughly `probability` of the calls with Math.random', () => {
    const faults = [fault({ probability: 0.3 })];
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      hits += selectFault(faults, 'memory', 0) ? 1 : 0;
    }
    expect(hits).toBeGreaterThan(2500);
    expect(hits).toBeLessThan(3500);
  });
});

describe(FaultInjector.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  const spec = {
    component: 'memory' as const,
    type: 'latency' as const,
    probability: 1,
    latencyMs: 50,
    durationMs: 1000,
  };

  it('should give each fault an id and an expiry', () => {
    const injector = new FaultInjector();
    const added = injector.add(spec, 5000);
    expect(added).toEqual({
      ...spec,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: '1970-01-01T00:00:05.000Z',
      expiresAt: '1970-01-01T00:00:06.000Z',
    });
    expect(injector.list(5999)).toEqual([added]);
    expect(injector.pick('memory', 5999)).toEqual(added);
  });

  it('should drop faults once they expire', () => {
    const injector = new FaultInjector();
    injector.add(spec, 0);
    expect(injector.list(1000)).toEqual([]);
    expect(injector.pick('memory', 1000)).toBeUndefined();
  });

  it('should remove one fault, or all', () => {
    const injector = new FaultInjector();
    const a = injector.add(spec, 0);
    const b = injector.add({ ...spec, component: 'conscience' }, 0);
    injector.remove(a.id, 0);
    expect(injector.list(0)).toEqual([b]);
    expect(() => injector.remove(a.id, 0)).toThrow(FaultNotFoundError);
    injector.add(spec, 0);
    expect(injector.clear()).toBe(2);
    expect(injector.list(0)).toEqual([]);
  });
});
