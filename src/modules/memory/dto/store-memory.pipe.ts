import { Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import { createValidationPipe } from '../../../common/errors/validation';
import { StoreMemoryDto, StoreMemoryEnvelopeDto } from './store-memory.dto';

/**
 * The body of a store request, validated by the app's own validation rules but without
 * walking `content`: class-transformer would copy it and the pipe would visit every value of
 * it (for a 1 MB memory, about a fifth of the request's CPU), although content is any JSON
 * value, which only the service checks (canonical form, size). Fastify's JSON parser already
 * refuses `__proto__` and `constructor.prototype` keys anywhere in the body.
 *
 * The handler's parameter is typed with an interface, which the global ValidationPipe passes
 * by (it validates classes only), so this pipe is the body's only validation.
 */
@Injectable()
export class StoreMemoryPipe implements PipeTransform<unknown, Promise<StoreMemoryDto>> {
  private readonly validation: ValidationPipe = createValidationPipe();

  async transform(body: unknown): Promise<StoreMemoryDto> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      // Not an envelope at all: the same answer as any other DTO would give.
      return (await this.validation.transform(body, {
        type: 'body',
        metatype: StoreMemoryDto,
      })) as StoreMemoryDto;
    }
    const { content, ...envelope } = body as Record<string, unknown>;
    const fields = (await this.validation.transform(envelope, {
      type: 'body',
      metatype: StoreMemoryEnvelopeDto,
    })) as StoreMemoryEnvelopeDto;
    return Object.assign(fields, { content });
  }
}

/** What StoreMemoryPipe returns; an interface, so that the global pipe leaves the body alone. */
export type StoreMemoryBody = Pick<StoreMemoryDto, keyof StoreMemoryDto>;
