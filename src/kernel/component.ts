/**
 * The contract between the kernel and each supervised component (memory, conscience,
 * world-model). A component is a Nest provider that implements `SupervisedComponent` and
 * registers itself with the `ComponentRegistry` in `onModuleInit`; the kernel then owns its
 * lifecycle: it calls `start()` once the application has bootstrapped, `stop()` at shutdown
 * or on an operator's request, and `stop()` + `start()` to restart it after a failure.
 */
export const COMPONENT_NAMES = ['memory', 'conscience', 'world-model'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export type ComponentState = 'starting' | 'running' | 'degraded' | 'failed' | 'stopped';

/** What a component says of itself; `degraded` serves requests, with a reason. */
export interface ComponentSelfReport {
  state: 'running' | 'degraded';
  reason?: string;
}

export interface SupervisedComponent {
  readonly name: ComponentName;
  /** Whether readiness fails when this component is not running (overridable by config). */
  readonly critical: boolean;
  /** Acquires what the component needs (keys, caches, loops). Throws to fail the start. */
  start(): Promise<void>;
  /** Releases everything start() acquired; must be safe to call twice and after a failed start. */
  stop(): Promise<void>;
  /** Optional self-report, polled by the kernel and health checks (e.g. axioms degraded). */
  selfReport?(): ComponentSelfReport;
}
