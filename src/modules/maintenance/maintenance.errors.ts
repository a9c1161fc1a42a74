import { ConflictError, NotFoundError } from '../../common/errors/domain-error';

export class UnknownJobError extends NotFoundError {
  override readonly code = 'job_not_found';

  constructor(name: string) {
    super(`There is no maintenance job named ${JSON.stringify(name)}`);
  }
}

export class JobRunningError extends ConflictError {
  override readonly code = 'job_running';

  constructor(name: string) {
    super(`The ${name} job is already running; try again when it has finished`);
  }
}
