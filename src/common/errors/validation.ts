import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError } from './domain-error';

/** Flattens class-validator's tree into `{ "field.path": [messages] }`. */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      out[path] = Object.values(error.constraints);
    }
    Object.assign(out, fieldErrors(error.children ?? [], path));
  }
  return out;
}

/** The one global pipe: unknown fields are rejected, input is transformed to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      const names = Object.keys(fields);
      return new ValidationFailedError(`Invalid ${names.join(', ')}`, fields);
    },
  });
}

export class ValidationFailedError extends InvalidInputError {
  override readonly code = 'validation_failed';
}
