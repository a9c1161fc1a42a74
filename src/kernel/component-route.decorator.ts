import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { ComponentName } from './component';
import { ApiProblemResponse } from './api-problem-response';
import { routeClassThroughBoundary, routeThroughBoundary } from './component-routes';

export const COMPONENT_ROUTE = 'phoenix:component-route';

/**
 * Routes every handler of a controller (or one handler) through the component boundary
 * (`ComponentBoundary.call`): 503 + Retry-After while the component does not serve, a timeout,
 * fault injection. Handlers stay one-liners. (How: see component-routes.ts.)
 *
 * @example
 * \@Controller('api/v1/memories')
 * \@ComponentRoute('memory')
 * export class MemoryController { … }
 */
export function ComponentRoute(name: ComponentName): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(COMPONENT_ROUTE, name),
    ApiProblemResponse(
      503,
      `The ${name} component is not serving or did not answer in time (component_unavailable)`,
      {
        'Retry-After': {
          description: 'Seconds to wait before retrying',
          schema: { type: 'integer', example: 1 },
        },
      },
    ),
    // Last, so that the metadata the decorators above put on a method is carried over.
    (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
      if (descriptor && key !== undefined) {
        routeThroughBoundary(target, key, name, descriptor);
      } else {
        routeClassThroughBoundary(target as { prototype: object }, name);
      }
    },
  );
}
