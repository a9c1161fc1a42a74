import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { MAX_NAME_CHARS, parseDateTime } from '../rules/observation';

/** An RFC 3339 date-time with a time zone (no local times: the API speaks UTC). */
function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseDateTime(value) !== null,
        defaultMessage: () =>
          '$property must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T08:00:00Z',
      },
    },
    options,
  );
}

export const DEFAULT_LIMIT = 100;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (nextCursor).' })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  cursor?: string;
}

export class ListEntitiesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only subjects that start with this (case-sensitive).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_CHARS)
  prefix?: string;
}

export class EntityQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The facts that held at this world time instead of the current ones.',
  })
  @IsOptional()
  @IsDateTime()
  at?: string;
}

export class HistoryQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only this predicate.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_CHARS)
  predicate?: string;
}
