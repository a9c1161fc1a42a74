import type { ComponentName, ComponentState } from './component';

/** What the kernel says about one component (GET /api/v1/kernel/components, health). */
export interface ComponentStatus {
  name: ComponentName;
  state: ComponentState;
  /** Readiness fails while a critical component is not running (PHOENIX_CRITICAL_COMPONENTS). */
  critical: boolean;
  /** When the component entered its current state (ISO 8601 UTC, milliseconds). */
  since: string;
  /** Restarts so far, by the supervisor or an operator. */
  restarts: number;
  /** The message of the last failure, if any; kept after recovery. */
  lastError: string | null;
  /** Why the component is in its current state. */
  reason: string | null;
}

/** Published with @nestjs/event-emitter on every state transition. */
export const COMPONENT_STATE_CHANGED = 'component.state-changed';

export interface ComponentStateChangedEvent {
  name: ComponentName;
  from: ComponentState;
  to: ComponentState;
  reason: string | null;
  /** ISO 8601 UTC, milliseconds. */
  at: string;
}
