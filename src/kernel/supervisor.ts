import { BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import type { ComponentName } from './component';
import { RestartIntensity } from './restart-intensity';

export interface RestartPolicy {
  backoff: BackoffPolicy;
  /** Most automatic restarts allowed within `windowMs`. */
  intensity: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  backoff: DEFAULT_BACKOFF,
  intensity: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  { kind: 'restart'; delayMs: number; attempt: number } | { kind: 'give-up'; reason: string };

/**
 * Decides whether and when a failed component is restarted, and owns the timers that do it.
 * It knows nothing of Nest or of component states: the registry tells it about failures and
 * gets called back (`restart`) when a timer fires. Every timer is cleared by `cancel`, `reset`
 * or `shutdown`, so a stopped kernel leaves no handle behind.
 */
export class Supervisor {
  private readonly windows = new Map<ComponentName, RestartIntensity>();
  private readonly timers = new Map<ComponentName, { timer: NodeJS.Timeout; at: number }>();
  private shutDown = false;

  constructor(
    private readonly policy: RestartPolicy,
    private readonly restart: (name: ComponentName) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A component failed: schedule its restart with backoff, or give up past the intensity. */
  onFailure(name: ComponentName): RestartDecision {
    this.cancel(name);
    if (this.shutDown) {
      return { kind: 'give-up', reason: 'the kernel is shutting down' };
    }
    const window = this.window(name);
    const now = this.now();
    const recent = window.count(now);
    if (window.exhausted(now)) {
      return {
        kind: 'give-up',
        reason: `restart intensity exceeded: ${recent} restarts within ${this.policy.windowMs} ms`,
      };
    }
    const delayMs = backoffDelay(recent, this.policy.backoff);
    window.record(now);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      this.restart(name);
    }, delayMs);
    this.timers.set(name, { timer, at: now + delayMs });
    return { kind: 'restart', delayMs, attempt: recent + 1 };
  }

  /** Milliseconds until the scheduled restart of `name`, if one is scheduled. */
  restartDueIn(name: ComponentName): number | undefined {
    const scheduled = this.timers.get(name);
    return scheduled ? Math.max(0, scheduled.at - this.now()) : undefined;
  }

  /** Cancels a scheduled restart (an operator took over). */
  cancel(name: ComponentName): void {
    const scheduled = this.timers.get(name);
    if (scheduled) {
      clearTimeout(scheduled.timer);
      this.timers.delete(name);
    }
  }

  /** Cancels a scheduled restart and forgets past restarts: an operator starts afresh. */
  reset(name: ComponentName): void {
    this.cancel(name);
    this.windows.get(name)?.reset();
  }

  /** Number of restarts scheduled and not yet run. */
  pendingRestarts(): number {
    return this.timers.size;
  }

  /** Cancels every scheduled restart and schedules no more. */
  shutdown(): void {
    this.shutDown = true;
    for (const name of [...this.timers.keys()]) {
      this.cancel(name);
    }
  }

  private window(name: ComponentName): RestartIntensity {
    let window = this.windows.get(name);
    if (!window) {
      window = new RestartIntensity(this.policy.intensity, this.policy.windowMs);
      this.windows.set(name, window);
    }
    return window;
  }
}
