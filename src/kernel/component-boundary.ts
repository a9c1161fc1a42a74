import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentUnavailableError, DomainError } from '../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { ComponentName } from './component';
import { ComponentRegistry } from './component-registry';
import { FaultInjector } from './faults/fault-injector';
import { InFlight } from './in-flight';
import { runInComponentContext } from './kernel-context';
import { errorMessage, withTimeout } from './with-timeout';

/**
 * The one way into a component, for HTTP requests (see @ComponentRoute) and for calls from one
 * component to another. A component that does not serve answers 503 at once; a call that takes
 * longer than PHOENIX_COMPONENT_TIMEOUT_MS answers 503 instead of hanging; injected faults act
 * here. An error thrown by the component is counted against it and passed on, but does not
 * fail it: only crashes, failed starts and reportFailure do.
 */
@Injectable()
export class ComponentBoundary {
  private readonly logger = new Logger('Kernel');
  private readonly calls = new InFlight();

  constructor(
    private readonly registry: ComponentRegistry,
    private readonly faults: FaultInjector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async call<T>(name: ComponentName, fn: () => Promise<T>): Promise<T> {
    this.registry.assertServing(name);
    this.calls.enter();
    try {
      return await runInComponentContext({ component: name, origin: 'call' }, () =>
        this.guarded(name, fn),
      );
    } catch (error) {
      throw this.attribute(name, error);
    } finally {
      this.calls.leave();
    }
  }

  /** Calls in progress through the boundary. */
  get inFlight(): number {
    return this.calls.size;
  }

  /** Resolves true once no call is in flight, or false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.calls.idle(timeoutMs);
  }

  private async guarded<T>(name: ComponentName, fn: () => Promise<T>): Promise<T> {
    const timeoutMs = this.config.kernel.componentTimeoutMs;
    const abort = new AbortController();
    try {
      return await withTimeout(this.execute(name, fn, abort.signal), timeoutMs, () => {
        this.registry.recordError(name);
        this.logger.warn({ component: name, timeoutMs }, `call into ${name} timed out`);
        return new ComponentUnavailableError(name, `no answer within ${timeoutMs} ms`);
      });
    } finally {
      // Ends an injected latency or hang that lost the race, so no timer outlives the call.
      abort.abort();
    }
  }

  private async execute<T>(
    name: ComponentName,
    fn: () => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const fault = this.faults.pick(name);
    switch (fault?.type) {
      case undefined:
        break;
      case 'error':
        throw new ComponentUnavailableError(name, 'injected fault');
      case 'crash':
        this.registry.reportFailure(name, new Error('injected crash fault'));
        throw new ComponentUnavailableError(name, 'injected crash fault');
      case 'latency':
        await sleep(fault.latencyMs ?? 0, undefined, { signal });
        break;
      case 'hang':
        await new Promise<never>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('hang ended')), { once: true }),
        );
        break;
    }
    return fn();
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
