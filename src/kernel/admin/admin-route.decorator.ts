import { applyDecorators, CanActivate, Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../api-problem-response';
import { AdminGuard } from './admin.guard';

/**
 * Marks a controller or handler as part of the admin API: bearer-token guard, Swagger `admin`
 * tag and security, and the documented 401/404 problems. `preconditions` are guards that run
 * before authentication (e.g. ChaosEnabledGuard), so a disabled feature answers 404 to anyone.
 *
 * @example
 * \@Controller('api/v1/admin/maintenance')
 * \@AdminRoute()
 * export class MaintenanceAdminController { … }
 */
export function AdminRoute(
  ...preconditions: Type<CanActivate>[]
): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(...preconditions, AdminGuard),
    ApiTags('admin'),
    ApiBearerAuth('admin'),
    ApiProblemResponse(401, 'Missing or wrong bearer token (PHOENIX_ADMIN_TOKEN)', {
      'WWW-Authenticate': {
        description: 'Bearer challenge (RFC 6750)',
        schema: { type: 'string', example: 'Bearer realm="phoenix-admin"' },
      },
    }),
    ApiProblemResponse(404, 'The admin API is off: no PHOENIX_ADMIN_TOKEN is configured'),
  );
}
