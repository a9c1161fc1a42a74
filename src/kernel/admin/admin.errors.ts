import { NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';

const REALM = 'phoenix-admin';

/** 401 with the `WWW-Authenticate: Bearer` challenge of RFC 6750. */
export class AdminUnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
  readonly title = 'Unauthorized';

  constructor(message: string, tokenWasSent: boolean) {
    super(message);
    this.headers['WWW-Authenticate'] = tokenWasSent
      ? `Bearer realm="${REALM}", error="invalid_token"`
      : `Bearer realm="${REALM}"`;
  }
}

/**
 * Exactly what the router answers for an unknown route, so that a disabled admin or chaos API
 * cannot be told apart from one that does not exist.
 */
export function routeNotFound(request: FastifyRequest): NotFoundException {
  return new NotFoundException(`Cannot ${request.method} ${request.url}`);
}
