import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { routeNotFound } from './admin.errors';

/** The fault-injection API exists only with PHOENIX_CHAOS_ENABLED=true (404 otherwise). */
@Injectable()
export class ChaosEnabledGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.config.chaosEnabled || this.config.adminToken === undefined) {
      throw routeNotFound(context.switchToHttp().getRequest<FastifyRequest>());
    }
    return true;
  }
}
