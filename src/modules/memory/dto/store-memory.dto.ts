import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const KIND_PATTERN = /^[a-z0-9-]{1,64}$/;
export const TAG_PATTERN = /^[a-z0-9:._-]{1,64}$/;
const TEN_YEARS_S = 10 * 365 * 86_400;

/**
 * The fields of a store request other than `content`: what the validation pipe checks
 * (StoreMemoryPipe keeps the content, which may be megabytes of any JSON, out of its walks).
 */
export class StoreMemoryEnvelopeDto {
  @ApiPropertyOptional({ pattern: KIND_PATTERN.source, default: 'note', example: 'note' })
  @IsOptional()
  @Matches(KIND_PATTERN, { message: 'kind must match [a-z0-9-]{1,64}' })
  kind?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 32,
    description: `Each matching ${TAG_PATTERN.source}; duplicates are dropped and the rest sorted.`,
    example: ['preferences', 'user:42'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must match [a-z0-9:._-]{1,64}' })
  tags?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.5, description: 'Initial strength.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  importance?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: TEN_YEARS_S,
    description: 'Expire after this many seconds.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(TEN_YEARS_S)
  ttlSeconds?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Pinned memories never decay nor fade away.',
  })
  @IsOptional()
  @IsBoolean()
  pinned?: boolean;
}

export class StoreMemoryDto extends StoreMemoryEnvelopeDto {
  @ApiProperty({
    description: 'Any JSON value. Stored as RFC 8785 canonical JSON, hashed into the leaf.',
    example: { text: 'The user prefers metric units.' },
  })
  // Validated by the service (canonical JSON, size), never reshaped.
  @Allow()
  content!: unknown;
}
