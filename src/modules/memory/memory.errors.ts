import {
  ConflictError,
  GoneError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../common/errors/domain-error';

export class MemoryNotFoundError extends NotFoundError {
  override readonly code = 'memory_not_found';
  constructor(id: string) {
    super(`No memory has id ${id}`);
  }
}

export class MemoryForgottenError extends GoneError {
  override readonly code = 'memory_forgotten';
  constructor(id: string, forgottenAt: number) {
    super(`Memory ${id} was forgotten; its leaf and proofs remain`);
    this.extensions.forgottenAt = new Date(forgottenAt).toISOString();
    this.extensions.memoryId = id;
  }
}

export class MemoryExpiredError extends GoneError {
  override readonly code = 'memory_expired';
  constructor(id: string, expiresAt: number) {
    super(`Memory ${id} expired; its leaf and proofs remain`);
    this.extensions.expiredAt = new Date(expiresAt).toISOString();
    this.extensions.memoryId = id;
  }
}

export class MemoryTooLargeError extends PayloadTooLargeError {
  override readonly code = 'memory_too_large';
  constructor(sizeBytes: number, maxBytes: number) {
    super(`content is ${sizeBytes} bytes of canonical JSON; the limit is ${maxBytes}`);
    this.extensions.sizeBytes = sizeBytes;
    this.extensions.maxBytes = maxBytes;
  }
}

export class InvalidMemoryInputError extends InvalidInputError {
  override readonly code = 'validation_failed';
  constructor(field: string, message: string) {
    super(`Invalid ${field}`, { [field]: [message] });
  }
}

export class InvalidTreeSizeError extends InvalidInputError {
  override readonly code = 'invalid_tree_size';
}

export class InvalidCursorError extends InvalidInputError {
  override readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this listing issued', {
      cursor: ['cursor is malformed or for another sort'],
    });
  }
}

/** So many replicas recalled the same memory at once that this recall could not record itself. */
export class RecallContentionError extends ConflictError {
  override readonly code = 'recall_contention';
  constructor(id: string) {
    super(`Memory ${id} is being recalled by too many clients at once; retry`);
    this.headers['Retry-After'] = '1';
  }
}
