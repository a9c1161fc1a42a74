import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AdminUnauthorizedError, routeNotFound } from './admin.errors';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Guards the admin API. Without PHOENIX_ADMIN_TOKEN the admin API does not exist (404, as for an
 * unknown route); with it, a request needs `Authorization: Bearer <token>` (401 otherwise).
 * Tokens are compared as SHA-256 digests with timingSafeEqual: equal lengths, constant time.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.adminToken === undefined ? undefined : digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.expected) {
      throw routeNotFound(request);
    }
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (token === undefined) {
      throw new AdminUnauthorizedError('This route needs an admin bearer token', false);
    }
    if (!timingSafeEqual(digest(token), this.expected)) {
      throw new AdminUnauthorizedError('The admin bearer token is not valid', true);
    }
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
