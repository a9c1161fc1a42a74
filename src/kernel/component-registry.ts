import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ComponentUnavailableError } from '../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DEFAULT_BACKOFF } from './backoff';
import { COMPONENT_NAMES, ComponentName, SupervisedComponent } from './component';
import { ComponentEntry } from './component-entry';
import { isServing } from './component-state';
import {
  COMPONENT_STATE_CHANGED,
  ComponentStateChangedEvent,
  ComponentStatus,
} from './component-status';
import { runInComponentContext } from './kernel-context';
import { UnknownComponentError } from './kernel.errors';
import { Supervisor } from './supervisor';
import { publicErrorMessage } from './public-error';
import { withTimeout } from './with-timeout';

/** Retry-After for a component that will not come back on its own (stopped, given up). */
const RETRY_AFTER_IDLE_S = 5;

/**
 * The kernel's register of components and their supervisor. Components register
 * in `onModuleInit`; the kernel starts them all at bootstrap, restarts failed ones through the
 * supervisor, and stops them at shutdown. Every transition is logged and published as
 * `component.state-changed`.
 */
@Injectable()
export class ComponentRegistry {
  private readonly logger = new Logger('Kernel');
  private readonly entries = new Map<ComponentName, ComponentEntry>();
  private readonly supervisor: Supervisor;
  private readonly critical: ReadonlySet<ComponentName>;
  private bootstrapped = false;
  private shuttingDown = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventEmitter2,
  ) {
    this.critical = new Set(config.kernel.criticalComponents);
    this.supervisor = new Supervisor(
      {
        backoff: DEFAULT_BACKOFF,
        intensity: config.kernel.restartIntensity,
        windowMs: config.kernel.restartWindowMs,
      },
      (name) => this.restartAfterFailure(name),
    );
  }

  register(component: SupervisedComponent): void {
    const name = component.name;
    if (!(COMPONENT_NAMES as readonly string[]).includes(name)) {
      throw new Error(`Cannot register a component named ${JSON.stringify(name)}`);
    }
    if (this.entries.has(name)) {
      throw new Error(`A component named ${name} is already registered`);
    }
    const entry = new ComponentEntry(component, this.critical.has(name), this.logger, (event) =>
      this.publish(event),
    );
    this.entries.set(name, entry);
    this.logger.log({ component: name }, `component ${name} registered`);
    if (this.bootstrapped && !this.shuttingDown) {
      void entry.enqueue(() => this.startEntry(entry, 'registered after start-up'));
    }
  }

  list(): ComponentStatus[] {
    return [...this.entries.values()]
      .sort((a, b) => order(a.component.name) - order(b.component.name))
      .map((entry) => entry.snapshot());
  }

  /** The status of one component; UnknownComponentError (400) if it is not registered. */
  status(name: string): ComponentStatus {
    return this.entry(name).snapshot();
  }

  has(name: string): name is ComponentName {
    return this.entries.has(name as ComponentName);
  }

  /** Start-up is over and every component has been running at least once. */
  allStartedOnce(): boolean {
    return this.bootstrapped && [...this.entries.values()].every((entry) => entry.servedOnce);
  }

  /** A component's own background work failed fatally: mark it failed; the supervisor restarts it. */
  reportFailure(name: ComponentName, error: unknown): void {
    const entry = this.entries.get(name);
    if (!entry) {
      this.logger.warn({ component: name, err: error }, `failure reported by unknown ${name}`);
      return;
    }
    if (entry.state === 'stopped' || entry.state === 'failed') {
      // A loop that ends while its component stops, or a second report of the same failure.
      this.logger.debug({ component: name, err: error }, `late failure of ${name} ignored`);
      return;
    }
    this.fail(entry, error, publicErrorMessage(error));
  }

  /** Throws ComponentUnavailableError (503 + Retry-After) unless the component serves. */
  assertServing(name: ComponentName): void {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new ComponentUnavailableError(name, 'it is not registered', RETRY_AFTER_IDLE_S);
    }
    entry.refresh();
    if (isServing(entry.state)) {
      return;
    }
    const why = entry.reason ? `it is ${entry.state} (${entry.reason})` : `it is ${entry.state}`;
    throw new ComponentUnavailableError(name, why, this.retryAfterSeconds(entry));
  }

  /** Counts an error raised inside a component by a call (it does not change its state). */
  recordError(name: ComponentName): void {
    const entry = this.entries.get(name);
    if (entry) {
      entry.errors += 1;
    }
  }

  errorCount(name: ComponentName): number {
    return this.entries.get(name)?.errors ?? 0;
  }

  /** Restarts scheduled by the supervisor and not yet run (tests check nothing is left). */
  pendingRestarts(): number {
    return this.supervisor.pendingRestarts();
  }

  /** Operator: start a stopped or failed component now; forgets past restarts. */
  async start(name: string): Promise<ComponentStatus> {
    const entry = this.entry(name);
    this.supervisor.reset(entry.component.name);
    await entry.enqueue(async () => {
      if (entry.state !== 'stopped' && entry.state !== 'failed') {
        return;
      }
      if (entry.state === 'failed') {
        await this.safeStop(entry);
      }
      await this.startEntry(entry, 'started by an operator');
    });
    return entry.snapshot();
  }

  /** Operator: stop a component; it stays stopped until started. */
  async stop(name: string): Promise<ComponentStatus> {
    const entry = this.entry(name);
    this.supervisor.cancel(entry.component.name);
    await entry.enqueue(() => this.stopEntry(entry, 'stopped by an operator'));
    return entry.snapshot();
  }

  /** Operator: stop then start a component, whatever its state; forgets past restarts. */
  async restart(name: string): Promise<ComponentStatus> {
    const entry = this.entry(name);
    this.supervisor.reset(entry.component.name);
    await entry.enqueue(async () => {
      entry.restarts += 1;
      await this.stopEntry(entry, 'restart requested by an operator');
      await this.startEntry(entry, 'restarted by an operator');
    });
    return entry.snapshot();
  }

  /** Bootstrap: start every registered component in parallel. A failed start fails nothing else. */
  async startAll(): Promise<void> {
    this.bootstrapped = true;
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        entry.enqueue(async () => {
          if (entry.state === 'stopped') {
            await this.startEntry(entry, 'application start-up');
          }
        }),
      ),
    );
  }

  /** Shutdown begins: no more restarts; scheduled ones are cancelled. */
  beginShutdown(): void {
    this.shuttingDown = true;
    this.supervisor.shutdown();
  }

  /** Shutdown: stop every component, in the reverse order of registration. */
  async stopAll(): Promise<void> {
    this.beginShutdown();
    for (const entry of [...this.entries.values()].reverse()) {
      await entry.enqueue(() => this.stopEntry(entry, 'application shutdown'));
    }
  }

  private entry(name: string): ComponentEntry {
    const entry = this.entries.get(name as ComponentName);
    if (!entry) {
      throw new UnknownComponentError(name, [...this.entries.keys()]);
    }
    return entry;
  }

  private restartAfterFailure(name: ComponentName): void {
    const entry = this.entries.get(name);
    if (!entry) {
      return;
    }
    void entry.enqueue(async () => {
      if (entry.state !== 'failed' || this.shuttingDown) {
        return;
      }
      entry.restarts += 1;
      // Release whatever the failed instance still holds (stop() is safe after a failure).
      await this.safeStop(entry);
      await this.startEntry(entry, `restart ${entry.restarts} by the supervisor`);
    });
  }

  private async startEntry(entry: ComponentEntry, reason: string): Promise<void> {
    if (this.shuttingDown) {
      return;
    }
    const { component } = entry;
    const epoch = ++entry.epoch;
    entry.transition('starting', reason);
    const timeoutMs = this.config.kernel.startTimeoutMs;
    try {
      await withTimeout(
        runInComponentContext({ component: component.name, origin: 'lifecycle' }, () =>
          component.start(),
        ),
        timeoutMs,
        () => new Error(`start() did not finish within ${timeoutMs} ms`),
      );
    } catch (error) {
      if (entry.epoch === epoch) {
        this.fail(entry, error, `start failed: ${publicErrorMessage(error)}`);
      }
      return;
    }
    if (entry.epoch !== epoch) {
      return; // failed or stopped while starting
    }
    entry.servedOnce = true;
    const report = entry.selfReport();
    entry.transition(report.state, report.reason ?? reason);
  }

  private async stopEntry(entry: ComponentEntry, reason: string): Promise<void> {
    if (entry.state === 'stopped') {
      return;
    }
    entry.epoch += 1;
    // Stopped first, so the boundary turns new calls away while stop() runs.
    entry.transition('stopped', reason);
    await this.safeStop(entry);
  }

  private async safeStop(entry: ComponentEntry): Promise<void> {
    const { component } = entry;
    const timeoutMs = this.config.kernel.componentTimeoutMs;
    try {
      await withTimeout(
        runInComponentContext({ component: component.name, origin: 'lifecycle' }, () =>
          component.stop(),
        ),
        timeoutMs,
        () => new Error(`stop() did not finish within ${timeoutMs} ms`),
      );
    } catch (error) {
      entry.lastError = `stop failed: ${publicErrorMessage(error)}`;
      this.logger.warn({ component: component.name, err: error }, `${component.name}: stop failed`);
    }
  }

  private fail(entry: ComponentEntry, error: unknown, reason: string): void {
    const name = entry.component.name;
    entry.epoch += 1;
    entry.lastError = publicErrorMessage(error);
    const decision = this.supervisor.onFailure(name);
    const fullReason =
      decision.kind === 'give-up' && !this.shuttingDown
        ? `${decision.reason} (last failure: ${reason}); start it through the admin API`
        : reason;
    entry.transition('failed', fullReason, error);
    if (decision.kind === 'restart') {
      this.logger.warn(
        { component: name, delayMs: decision.delayMs, attempt: decision.attempt },
        `component ${name} restarts in ${decision.delayMs} ms (attempt ${decision.attempt})`,
      );
    }
  }

  private retryAfterSeconds(entry: ComponentEntry): number {
    if (entry.state === 'starting') {
      return 1;
    }
    const due = this.supervisor.restartDueIn(entry.name);
    return due === undefined ? RETRY_AFTER_IDLE_S : Math.max(1, Math.ceil(due / 1000));
  }

  private publish(event: ComponentStateChangedEvent): void {
    try {
      this.events.emit(COMPONENT_STATE_CHANGED, event);
    } catch (error) {
      this.logger.error({ component: event.name, err: error }, 'a state-change listener threw');
    }
  }
}

function order(name: ComponentName): number {
  return COMPONENT_NAMES.indexOf(name);
}
