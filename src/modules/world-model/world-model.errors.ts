import { ConflictError, InvalidInputError, NotFoundError } from '../../common/errors/domain-error';
import type { RebuildStatus } from './projection/rebuild-job';

/** An observation the route refuses; `errors` names each fact and field (`facts[3].object`). */
export class InvalidObservationError extends InvalidInputError {
  override readonly code = 'validation_failed';

  constructor(errors: Record<string, string[]>) {
    super(`Invalid ${Object.keys(errors).join(', ')}`, errors);
  }
}

export class EntityNotFoundError extends NotFoundError {
  override readonly code = 'entity_not_found';

  constructor(subject: string) {
    super(`The world model holds no fact about ${JSON.stringify(subject)}`);
    this.extensions.subject = subject;
  }
}

export class InvalidWorldCursorError extends InvalidInputError {
  override readonly code = 'invalid_cursor';

  constructor() {
    super('cursor is not one this listing issued', {
      cursor: ['cursor is malformed or belongs to another listing'],
    });
  }
}

export class RebuildInProgressError extends ConflictError {
  override readonly code = 'rebuild_in_progress';

  constructor(status: RebuildStatus) {
    super(`A rebuild of the world model is already running (generation ${status.generation})`);
    this.extensions.rebuild = status;
    this.headers['Retry-After'] = '5';
  }
}

export class RebuildNotFoundError extends NotFoundError {
  override readonly code = 'rebuild_not_found';

  constructor() {
    super('No rebuild of the world model has been requested since this process started');
  }
}
