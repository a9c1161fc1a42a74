import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { KIND_PATTERN, TAG_PATTERN } from './store-memory.dto';

export class ListMemoriesQuery {
  @ApiPropertyOptional({ pattern: KIND_PATTERN.source })
  @IsOptional()
  @Matches(KIND_PATTERN, { message: 'kind must match [a-z0-9-]{1,64}' })
  kind?: string;

  @ApiPropertyOptional({ pattern: TAG_PATTERN.source })
  @IsOptional()
  @Matches(TAG_PATTERN, { message: 'tag must match [a-z0-9:._-]{1,64}' })
  tag?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive text match over the content.',
    maxLength: 256,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  q?: string;

  @ApiPropertyOptional({ enum: ['newest', 'strongest'], default: 'newest' })
  @IsOptional()
  @IsIn(['newest', 'strongest'])
  sort?: 'newest' | 'strongest';

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ default: false, description: 'Include each memory’s content.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  includeContent?: boolean;
}
