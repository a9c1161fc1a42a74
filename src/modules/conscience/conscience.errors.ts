import {
  GoneError,
  InvalidInputError,
  NotFoundError,
  UnprocessableError,
} from '../../common/errors/domain-error';

/** Action and context exceed PHOENIX_CONSCIENCE_MAX_INPUT_BYTES (a 400 that names them). */
export class InputTooLargeError extends InvalidInputError {
  override readonly code = 'input_too_large';
}

/** An axioms reload found an invalid file; the last good set stays in service. */
export class AxiomsInvalidError extends UnprocessableError {
  override readonly code = 'axioms_invalid';

  constructor(path: string, errors: Record<string, string[]>) {
    super(`The axioms file ${path} is invalid; the axioms in service are unchanged`);
    this.extensions.errors = errors;
  }
}

export class DecisionNotFoundError extends NotFoundError {
  override readonly code = 'decision_not_found';

  constructor(id: string) {
    super(`No decision has id ${id}`);
  }
}

/** The decision's memory was forgotten: its leaf (and verdict tag) remain, its content does not. */
export class DecisionForgottenError extends GoneError {
  override readonly code = 'decision_forgotten';

  constructor(id: string, forgottenAt: string) {
    super(`Decision ${id} was forgotten; its leaf and proofs remain`);
    this.extensions.forgottenAt = forgottenAt;
  }
}
