import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError } from './domain-error';
import { prototypeNamedFields } from './prototype-named-fields';

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
  return new StrictValidationPipe({
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

/**
 * ValidationPipe, plus what its whitelist misses: an unknown field named like an
 * Object.prototype member (`constructor`, `toString`, …) is refused like any other unknown
 * field, where class-transformer and class-validator would silently drop it.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metatype && this.toValidate(metadata)) {
      const paths = prototypeNamedFields(value, metatype);
      if (paths.length > 0) {
        throw new ValidationFailedError(
          `Invalid ${paths.join(', ')}`,
          Object.fromEntries(paths.map((path) => [path, [`property ${path} should not exist`]])),
        );
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export class ValidationFailedError extends InvalidInputError {
  override readonly code = 'validation_failed';
}
