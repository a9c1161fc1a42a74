import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, lastValueFrom, Observable } from 'rxjs';
import type { ComponentName } from './component';
import { ComponentBoundary } from './component-boundary';
import { COMPONENT_ROUTE } from './component-route.decorator';

/** Global interceptor behind @ComponentRoute: wraps the handler in `kernel.call`. */
@Injectable()
export class ComponentRouteInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly boundary: ComponentBoundary,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const name = this.reflector.getAllAndOverride<ComponentName | undefined>(COMPONENT_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (name === undefined) {
      return next.handle();
    }
    // next.handle() is called inside the boundary, so the handler runs in the component's
    // async context (errors it leaves behind are attributed to it).
    return defer(() =>
      this.boundary.call(name, () =>
        lastValueFrom(next.handle() as Observable<unknown>, { defaultValue: undefined }),
      ),
    );
  }
}
