import { contextField } from '../common/async-context';
import { COMPONENT_NAMES, type ComponentName } from './component';

/**
 * Which component the current asynchronous work belongs to. `call`: a request or a
 * cross-component call through the boundary. `lifecycle`: the component's own start/stop and
 * everything it set going from there (loops, timers), which inherit the context.
 */
export interface KernelContext {
  component: ComponentName;
  origin: 'call' | 'lifecycle';
}

const field = contextField<KernelContext>('component');

/** The `call` context of each component, made once: the boundary enters one per request. */
const CALL_CONTEXTS = new Map<ComponentName, KernelContext>(
  COMPONENT_NAMES.map((component) => [
    component,
    Object.freeze<KernelContext>({ component, origin: 'call' }),
  ]),
);

export function callContext(component: ComponentName): KernelContext {
  return CALL_CONTEXTS.get(component) ?? { component, origin: 'call' };
}

export function runInComponentContext<T>(context: KernelContext, fn: () => T): T {
  return field.run(context, fn);
}

/** The component whose work is running now, if any (used to attribute stray errors). */
export function currentComponentContext(): KernelContext | undefined {
  return field.get();
}
