/**
 * Errors that services throw. Each has a stable machine-readable `code` and an HTTP status;
 * the global problem filter turns them into RFC 9457 problem+json. Services never throw
 * HttpException.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
  /** Extra members for the problem body (e.g. `forgottenAt`). */
  readonly extensions: Record<string, unknown> = {};
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string> = {};

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code: string = 'not_found';
  readonly title = 'Not Found';
}

export class GoneError extends DomainError {
  readonly status = 410;
  readonly code: string = 'gone';
  readonly title = 'Gone';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code: string = 'conflict';
  readonly title = 'Conflict';
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly code: string = 'invalid_input';
  readonly title = 'Bad Request';

  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export class UnprocessableError extends DomainError {
  readonly status = 422;
  readonly code: string = 'unprocessable';
  readonly title = 'Unprocessable Content';
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly code: string = 'payload_too_large';
  readonly title = 'Payload Too Large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly code: string = 'unsupported_media_type';
  readonly title = 'Unsupported Media Type';
}

export class ComponentUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'component_unavailable';
  readonly title = 'Service Unavailable';

  constructor(
    readonly component: string,
    reason: string,
    retryAfterSeconds = 1,
  ) {
    super(`The ${component} component is not available: ${reason}`);
    this.extensions.component = component;
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class StorageFullError extends DomainError {
  readonly status = 507;
  readonly code = 'storage_full';
  readonly title = 'Insufficient Storage';
}

export class ReadOnlyError extends DomainError {
  readonly status = 503;
  readonly code = 'read_only';
  readonly title = 'Service Unavailable';
}
