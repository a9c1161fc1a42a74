import type { ComponentState } from './component';
import { canTransition, isServing } from './component-state';

const ALL: ComponentState[] = ['starting', 'running', 'degraded', 'failed', 'stopped'];

describe(canTransition.name, () => {
  it('should reach running and degraded only through starting', () => {
    expect(ALL.filter((from) => canTransition(from, 'degraded'))).toEqual(['starting', 'running']);
    expect(ALL.filter((from) => canTransition(from, 'running'))).toEqual(['starting', 'degraded']);
  });

  it('should allow stopping from every other state', () => {
    expect(ALL.filter((from) => canTransition(from, 'stopped'))).toEqual([
      'starting',
      'running',
      'degraded',
      'failed',
    ]);
  });

  it('should fail only a component that was doing something', () => {
    expect(ALL.filter((from) => canTransition(from, 'failed'))).toEqual([
      'starting',
      'running',
      'degraded',
    ]);
  });

  it('should start only a stopped or failed component', () => {
    expect(ALL.filter((from) => canTransition(from, 'starting'))).toEqual(['failed', 'stopped']);
  });
});

describe(isServing.name, () => {
  it('should serve while running or degraded only', () => {
    expect(ALL.filter(isServing)).toEqual(['running', 'degraded']);
  });
});
