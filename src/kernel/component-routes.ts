import { Injectable, OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import type { ComponentName } from './component';
import { ComponentBoundary } from './component-boundary';

/**
 * The mechanics behind @ComponentRoute: each route handler of the controller is replaced, on
 * its prototype, by one that runs the original through `ComponentBoundary.call`.
 *
 * Why not a Nest interceptor (what this was): a global interceptor puts every request of every
 * route through Nest's interceptor chain, rxjs observables (defer, mergeAll, a ReplaySubject,
 * lastValueFrom) and an AsyncResource per interceptor, which cost about a sixth of an /api/v1
 * request that does nothing (docs/performance.md, "PlasticLTM → Where the time goes"). Without
 * any interceptor Nest calls the handler and awaits its promise, nothing more.
 *
 * A handler finds its boundary through the controller instance, which ComponentRoutes binds at
 * start-up (several applications may share a process, e.g. two replicas in a test). A handler
 * called on an instance no application bound (a unit test calling a controller directly) runs
 * as it is. One difference from the interceptor: pipes (validation) run before the boundary,
 * so a malformed request gets its 400 even while the component is not serving.
 */
const boundaries = new WeakMap<object, ComponentBoundary>();
const ROUTED = Symbol('phoenix:component-routed');

type Handler = ((...args: unknown[]) => unknown) & { [ROUTED]?: ComponentName };

/** Wraps the route handler `key` of `prototype` (once: a method-level name wins). */
export function routeThroughBoundary(
  prototype: object,
  key: string | symbol,
  name: ComponentName,
  descriptor?: PropertyDescriptor,
): void {
  const target = descriptor ?? Object.getOwnPropertyDescriptor(prototype, key);
  const original = target?.value as Handler | undefined;
  if (!target || typeof original !== 'function' || original[ROUTED] !== undefined) {
    return;
  }
  const routed: Handler = function (this: object, ...args: unknown[]): unknown {
    const boundary = boundaries.get(this);
    return boundary
      ? boundary.call(name, () => original.apply(this, args))
      : original.apply(this, args);
  };
  // Route, Swagger, header and pipe metadata live on the function object: keep it.
  for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), routed);
  }
  Object.defineProperty(routed, 'name', { value: original.name });
  routed[ROUTED] = name;
  target.value = routed;
  if (!descriptor) {
    Object.defineProperty(prototype, key, target);
  }
}

/** Wraps every route handler (a method with an HTTP method) declared on the class. */
export function routeClassThroughBoundary(target: { prototype: object }, name: ComponentName) {
  const { prototype } = target;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') {
      continue;
    }
    const value = Object.getOwnPropertyDescriptor(prototype, key)?.value as unknown;
    if (typeof value === 'function' && Reflect.hasOwnMetadata(METHOD_METADATA, value)) {
      routeThroughBoundary(prototype, key, name);
    }
  }
}

/** The component a handler is routed to, if any (tests, diagnostics). */
export function componentOfHandler(handler: unknown): ComponentName | undefined {
  return typeof handler === 'function' ? (handler as Handler)[ROUTED] : undefined;
}

/** Binds every controller of the application to this application's boundary. */
@Injectable()
export class ComponentRoutes implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly boundary: ComponentBoundary,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !hasComponentRoutes(instance)) {
        continue;
      }
      if (!wrapper.isDependencyTreeStatic()) {
        // Request-scoped instances are made per request and could not be bound here.
        throw new Error(`@ComponentRoute is not supported on request-scoped ${wrapper.name}`);
      }
      boundaries.set(instance, this.boundary);
    }
  }
}

function hasComponentRoutes(instance: object): boolean {
  for (let proto = Object.getPrototypeOf(instance) as object | null; proto;) {
    for (const key of Reflect.ownKeys(proto)) {
      if (componentOfHandler(Object.getOwnPropertyDescriptor(proto, key)?.value) !== undefined) {
        return true;
      }
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}
