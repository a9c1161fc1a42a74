import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidIdError extends InvalidInputError {
  override readonly code = 'invalid_id';
}

/** A path id must be a UUID; anything else is a 400 that names the parameter. */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) {
      throw new InvalidIdError('id must be a UUID', { id: ['must be a UUID'] });
    }
    return value.toLowerCase();
  }
}
