import type { LoggerService } from '@nestjs/common';
import type {
  ComponentName,
  ComponentSelfReport,
  ComponentState,
  SupervisedComponent,
} from './component';
import { canTransition, isServing } from './component-state';
import type { ComponentStateChangedEvent, ComponentStatus } from './component-status';
import { publicErrorMessage } from './public-error';

/**
 * One registered component as the kernel sees it: its state and the record of how it got
 * there. Owns the state machine: every transition is checked, logged with its cause and
 * published; lifecycle operations on the component run one after the other (`enqueue`).
 */
export class ComponentEntry {
  state: ComponentState = 'stopped';
  since = new Date();
  restarts = 0;
  lastError: string | null = null;
  reason: string | null = 'not started yet';
  /** Bumped by every start, stop and failure, so a late start() result can tell it is stale. */
  epoch = 0;
  /** Reached running or degraded at least once (the startup probe's question). */
  servedOnce = false;
  /** Errors raised inside the component by calls through the boundary. */
  errors = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly component: SupervisedComponent,
    readonly critical: boolean,
    private readonly logger: LoggerService,
    private readonly publish: (event: ComponentStateChangedEvent) => void,
  ) {}

  get name(): ComponentName {
    return this.component.name;
  }

  /** Runs `op` after every operation queued before it; never rejects. */
  enqueue(op: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(op).catch((error: unknown) => {
      // Operations catch their own errors; this only keeps the queue alive if one did not.
      this.logger.error({ component: this.name, err: error }, 'lifecycle error');
    });
    return this.queue;
  }

  transition(to: ComponentState, reason: string, cause?: unknown): void {
    const { name } = this;
    const from = this.state;
    if (from === to) {
      this.reason = reason;
      return;
    }
    if (!canTransition(from, to)) {
      this.logger.error(
        { component: name, from, to },
        `illegal transition ignored: ${from} → ${to}`,
      );
      return;
    }
    this.state = to;
    this.since = new Date();
    this.reason = reason;
    const fields = { component: name, from, to, reason, ...(cause ? { err: cause } : {}) };
    const message = `component ${name}: ${from} → ${to} (${reason})`;
    if (to === 'failed') {
      this.logger.error(fields, message);
    } else if (to === 'degraded') {
      this.logger.warn(fields, message);
    } else {
      this.logger.log(fields, message);
    }
    this.publish({ name, from, to, reason, at: this.since.toISOString() });
  }

  /** Follows the component's own report between running and degraded. */
  refresh(): void {
    if (!isServing(this.state) || !this.component.selfReport) {
      return;
    }
    const report = this.selfReport();
    if (report.state === this.state) {
      if (report.state === 'degraded' && report.reason) {
        this.reason = report.reason;
      }
      return;
    }
    this.transition(
      report.state,
      report.reason ?? (report.state === 'running' ? 'recovered' : 'degraded'),
    );
  }

  selfReport(): ComponentSelfReport {
    try {
      return this.component.selfReport?.() ?? { state: 'running' };
    } catch (error) {
      return { state: 'degraded', reason: `selfReport() threw: ${publicErrorMessage(error)}` };
    }
  }

  snapshot(): ComponentStatus {
    this.refresh();
    return {
      name: this.name,
      state: this.state,
      critical: this.critical,
      since: this.since.toISOString(),
      restarts: this.restarts,
      lastError: this.lastError,
      reason: this.reason,
    };
  }
}
