import type { ComponentName } from './component';
import { Supervisor } from './supervisor';

describe(Supervisor.name, () => {
  let restarted: ComponentName[];
  let supervisor: Supervisor;

  beforeEach(() => {
    jest.useFakeTimers();
    restarted = [];
    supervisor = new Supervisor(
      { backoff: { initialMs: 100, maxMs: 5000 }, intensity: 5, windowMs: 60_000 },
      (name) => restarted.push(name),
    );
  });

  afterEach(() => {
    supervisor.shutdown();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('should restart a failed component after 100 ms, then back off exponentially', () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = supervisor.onFailure('memory');
      expect(decision.kind).toBe('restart');
      if (decision.kind === 'restart') {
        delays.push(decision.delayMs);
        expect(supervisor.restartDueIn('memory')).toBe(decision.delayMs);
        jest.advanceTimersByTime(decision.delayMs - 1);
        expect(restarted).toHaveLength(i);
        jest.advanceTimersByTime(1);
        expect(restarted).toHaveLength(i + 1);
      }
    }
    expect(delays).toEqual([100, 200, 400, 800, 1600]);
  });

  it('should give up past the intensity, with the reason', () => {
    for (let i = 0; i < 5; i++) {
      supervisor.onFailure('memory');
      jest.runOnlyPendingTimers();
    }
    const decision = supervisor.onFailure('memory');
    expect(decision).toEqual({
      kind: 'give-up',
      reason: 'restart intensity exceeded: 5 restarts within 60000 ms',
    });
    expect(supervisor.pendingRestarts()).toBe(0);
  });

  it('should restart again once old restarts leave the window', () => {
    for (let i = 0; i < 5; i++) {
      supervisor.onFailure('memory');
      jest.runOnlyPendingTimers();
    }
    jest.advanceTimersByTime(60_000);
    expect(supervisor.onFailure('memory')).toEqual({ kind: 'restart', delayMs: 100, attempt: 1 });
  });

  it('should count each component on its own', () => {
    for (let i = 0; i < 5; i++) {
      supervisor.onFailure('memory');
      jest.runOnlyPendingTimers();
    }
    expect(supervisor.onFailure('conscience').kind).toBe('restart');
  });

  it('should start afresh after reset', () => {
    for (let i = 0; i < 5; i++) {
      supervisor.onFailure('memory');
      jest.runOnlyPendingTimers();
    }
    supervisor.reset('memory');
    expect(supervisor.onFailure('memory')).toEqual({ kind: 'restart', delayMs: 100, attempt: 1 });
  });

  it('should clear the timer of a cancelled restart', () => {
    supervisor.onFailure('memory');
    expect(jest.getTimerCount()).toBe(1);
    supervisor.cancel('memory');
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(restarted).toEqual([]);
  });

  it('should clear every timer at shutdown and schedule no more', () => {
    supervisor.onFailure('memory');
    supervisor.onFailure('world-model');
    supervisor.shutdown();
    expect(jest.getTimerCount()).toBe(0);
    expect(supervisor.onFailure('memory').kind).toBe('give-up');
    jest.advanceTimersByTime(10_000);
    expect(restarted).toEqual([]);
  });
});
