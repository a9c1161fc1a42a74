import { Controller, Get, Header } from '@nestjs/common';
import { HEADERS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import type { ComponentName } from './component';
import type { ComponentBoundary } from './component-boundary';
import { ComponentRoute } from './component-route.decorator';
import { ComponentRoutes, componentOfHandler } from './component-routes';

@Controller('things')
@ComponentRoute('memory')
class ThingsController {
  calls = 0;

  @Get('one')
  @Header('content-type', 'text/plain')
  one(): string {
    this.calls += 1;
    return `one from ${this.constructor.name}`;
  }

  @Get('other')
  @ComponentRoute('conscience')
  other(): string {
    return 'other';
  }

  helper(): string {
    return 'not a route';
  }
}

/** A boundary that records the component of each call and runs it. */
function recordingBoundary(): ComponentBoundary & { names: ComponentName[] } {
  const names: ComponentName[] = [];
  return {
    names,
    call: <T>(name: ComponentName, fn: () => T | Promise<T>) => {
      names.push(name);
      return Promise.resolve().then(fn);
    },
  } as unknown as ComponentBoundary & { names: ComponentName[] };
}

/** A bound handler returns the boundary's promise, whatever its declared type. */
const routed = (value: unknown) => value as Promise<unknown>;

function bind(instance: object, boundary: ComponentBoundary): void {
  const discovery = {
    getControllers: () => [{ instance, isDependencyTreeStatic: () => true, name: 'x' }],
  } as unknown as DiscoveryService;
  new ComponentRoutes(discovery, boundary).onModuleInit();
}

describe(ComponentRoutes.name, () => {
  it('should run every route handler through the boundary of its application', async () => {
    const controller = new ThingsController();
    const boundary = recordingBoundary();
    bind(controller, boundary);
    await expect(controller.one()).resolves.toBe('one from ThingsController');
    expect(controller.calls).toBe(1);
    await expect(controller.other()).resolves.toBe('other');
    // The method-level name wins over the class-level one.
    expect(boundary.names).toEqual(['memory', 'conscience']);
  });

  it('should keep the route metadata of the handlers and leave other methods alone', () => {
    const { prototype } = ThingsController;
    expect(Reflect.getMetadata(PATH_METADATA, prototype.one)).toBe('one');
    expect(Reflect.getMetadata(HEADERS_METADATA, prototype.one)).toEqual([
      { name: 'content-type', value: 'text/plain' },
    ]);
    expect(prototype.one.name).toBe('one');
    expect(componentOfHandler(prototype.one)).toBe('memory');
    expect(componentOfHandler(prototype.other)).toBe('conscience');
    expect(componentOfHandler(prototype.helper)).toBeUndefined();
  });

  it('should keep separate applications apart', async () => {
    const first = new ThingsController();
    const second = new ThingsController();
    const a = recordingBoundary();
    const b = recordingBoundary();
    bind(first, a);
    bind(second, b);
    await routed(first.one());
    await routed(second.one());
    await routed(second.other());
    expect(a.names).toEqual(['memory']);
    expect(b.names).toEqual(['memory', 'conscience']);
  });

  it('should call the handler as it is on an instance no application bound', () => {
    expect(new ThingsController().one()).toBe('one from ThingsController');
  });

  it('should refuse a request-scoped controller with component routes', () => {
    const discovery = {
      getControllers: () => [
        { instance: new ThingsController(), isDependencyTreeStatic: () => false, name: 'T' },
      ],
    } as unknown as DiscoveryService;
    expect(() => new ComponentRoutes(discovery, recordingBoundary()).onModuleInit()).toThrow(
      /request-scoped T/,
    );
  });
});
