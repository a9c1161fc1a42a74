import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { ComponentName } from './component';
import { ApiProblemResponse } from './api-problem-response';

export const COMPONENT_ROUTE = 'phoenix:component-route';

/**
 * Routes every handler of a controller (or one handler) through the component boundary
 * (`ComponentBoundary.call`): 503 + Retry-After while the component does not serve, a timeout,
 * fault injection. Handlers stay one-liners.
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
  );
}
