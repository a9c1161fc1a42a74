import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The process's one AsyncLocalStorage, with a field for each thing asynchronous work carries:
 * the kernel's component context (to attribute stray errors to a component) and the request's
 * log fields (for the lines written while serving it).
 *
 * Why one: on Node.js 20 every enabled AsyncLocalStorage adds a call to the init hook of every
 * async resource and promise in the process, requests that never read it included. With the
 * two fields in two storages, a bare node:http handler in this process served 10 to 14% fewer
 * requests per CPU-second than with one (docs/performance.md, "Health probes").
 */
interface Frame {
  readonly component: unknown;
  readonly request: unknown;
}

type FieldName = keyof Frame;

export interface ContextField<T> {
  /** Runs `fn` with the field set to `value`, the other fields as they are. */
  run<R>(value: T, fn: () => R): R;
  /** The field's value in the current asynchronous context, if set. */
  get(): T | undefined;
}

const storage = new AsyncLocalStorage<Frame>();
const EMPTY: Frame = Object.freeze({ component: undefined, request: undefined });

/** The field `name` of the shared context; each name has one owner module. */
export function contextField<T>(name: FieldName): ContextField<T> {
  return {
    run<R>(value: T, fn: () => R): R {
      const current = storage.getStore() ?? EMPTY;
      if (current[name] === value) {
        return fn();
      }
      return storage.run({ ...current, [name]: value }, fn);
    },
    get(): T | undefined {
      return storage.getStore()?.[name] as T | undefined;
    },
  };
}
