import { AsyncLocalStorage } from 'node:async_hooks';
import type { ComponentName } from './component';

/**
 * Which component the current asynchronous work belongs to. `call`: a request or a
 * cross-component call through the boundary. `lifecycle`: the component's own start/stop and
 * everything it set going from there (loops, timers), which inherit the context.
 */
export interface KernelContext {
  component: ComponentName;
  origin: 'call' | 'lifecycle';
}

const storage = new AsyncLocalStorage<KernelContext>();

export function runInComponentContext<T>(context: KernelContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The component whose work is running now, if any (used to attribute stray errors). */
export function currentComponentContext(): KernelContext | undefined {
  return storage.getStore();
}
