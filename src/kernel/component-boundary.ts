import { HttpException, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentUnavailableError, DomainError } from '../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { ComponentName } from './component';
import { ComponentRegistry } from './component-registry';
import { Deadlines } from './deadlines';
import type { Fault } from './faults/fault';
import { FaultInjector } from './faults/fault-injector';
import { InFlight } from './in-flight';
import { callContext, runInComponentContext } from './kernel-context';
import { errorMessage, rejectedWith } from './with-timeout';

/**
 * The one way into a component, for HTTP requests (see @ComponentRoute) and for calls from one
 * component to another. A component that does not serve answers 503 at once; a call that takes
 * longer than PHOENIX_COMPONENT_TIMEOUT_MS answers 503 instead of hanging; injected faults act
 * here. An error thrown by the component is counted against it and passed on, but does not
 * fail it: only crashes, failed starts and reportFailure do.
 *
 * Every request to an /api/v1 route passes here, so the common path allocates little: one
 * deadline entry on a timer shared by all calls (see Deadlines), no AbortController (only a
 * latency fault needs one), a context object made once per component.
 */
@Injectable()
export class ComponentBoundary implements OnApplicationShutdown {
  private readonly logger = new Logger('Kernel');
  private readonly calls = new InFlight();
  private readonly deadlines: Deadlines;

  constructor(
    private readonly registry: ComponentRegistry,
    private readonly faults: FaultInjector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.deadlines = new Deadlines(config.kernel.componentTimeoutMs);
  }

  call<T>(name: ComponentName, fn: () => T | Promise<T>): Promise<T> {
    try {
      this.registry.assertServing(name);
    } catch (error) {
      return rejectedWith(error);
    }
    this.calls.enter();
    return runInComponentContext(callContext(name), () => this.guarded(name, fn)).then(
      (value) => {
        this.calls.leave();
        return value;
      },
      (error: unknown) => {
        this.calls.leave();
        throw this.attribute(name, error);
      },
    );
  }

  /** Calls in progress through the boundary. */
  get inFlight(): number {
    return this.calls.size;
  }

  /** Resolves true once no call is in flight, or false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.calls.idle(timeoutMs);
  }

  onApplicationShutdown(): void {
    this.deadlines.close();
  }

  /** Runs `fn` (after the fault picked for this call, if any) under the call's deadline. */
  private guarded<T>(name: ComponentName, fn: () => T | Promise<T>): Promise<T> {
    const fault = this.faults.pick(name);
    if (fault !== undefined) {
      return this.faulted(name, fault, fn);
    }
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (error) {
      return rejectedWith(error);
    }
    // A handler that answered synchronously cannot hang: no deadline to keep.
    return isThenable(result)
      ? this.withDeadline(name, Promise.resolve(result))
      : Promise.resolve(result);
  }

  private faulted<T>(name: ComponentName, fault: Fault, fn: () => T | Promise<T>): Promise<T> {
    switch (fault.type) {
      case 'error':
        return Promise.reject(new ComponentUnavailableError(name, 'injected fault'));
      case 'crash':
        this.registry.reportFailure(name, new Error('injected crash fault'));
        return Promise.reject(new ComponentUnavailableError(name, 'injected crash fault'));
      case 'latency': {
        // Ended by the deadline if it wins, so no timer outlives the call.
        const abort = new AbortController();
        const delayed = sleep(fault.latencyMs ?? 0, undefined, { signal: abort.signal }).then(fn);
        return this.withDeadline(name, delayed, () => abort.abort());
      }
      case 'hang':
        // Never settles and holds nothing: the deadline answers, then it is garbage.
        return this.withDeadline(name, new Promise<never>(() => undefined));
    }
  }

  private withDeadline<T>(
    name: ComponentName,
    work: Promise<T>,
    onExpire?: () => void,
  ): Promise<T> {
    return this.deadlines.race(work, () => this.timedOut(name), onExpire);
  }

  private timedOut(name: ComponentName): ComponentUnavailableError {
    const timeoutMs = this.deadlines.ms;
    this.registry.recordError(name);
    this.logger.warn({ component: name, timeoutMs }, `call into ${name} timed out`);
    return new ComponentUnavailableError(name, `no answer within ${timeoutMs} ms`);
  }

  private attribute(name: ComponentName, error: unknown): unknown {
    if (error instanceof DomainError || error instanceof HttpException) {
      return error;
    }
    this.registry.recordError(name);
    // The problem filter logs the 500 with its stack; this line ties it to the component.
    this.logger.warn({ component: name, error: errorMessage(error) }, `call into ${name} failed`);
    return error;
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
