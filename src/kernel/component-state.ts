import type { ComponentState } from './component';

/**
 * The component state machine. `starting` is the only way into `running`/`degraded`;
 * `stopped` is reachable from everywhere (an operator's stop, or shutdown); `failed` only
 * from a state in which the component was doing something.
 */
const TRANSITIONS: Record<ComponentState, readonly ComponentState[]> = {
  stopped: ['starting'],
  starting: ['running', 'degraded', 'failed', 'stopped'],
  running: ['degraded', 'failed', 'stopped'],
  degraded: ['running', 'failed', 'stopped'],
  failed: ['starting', 'stopped'],
};

export function canTransition(from: ComponentState, to: ComponentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which the boundary lets calls through. */
export function isServing(state: ComponentState): boolean {
  return state === 'running' || state === 'degraded';
}
