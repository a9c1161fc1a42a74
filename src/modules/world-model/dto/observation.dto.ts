import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow } from 'class-validator';
import { CARDINALITIES, MAX_NAME_CHARS, MAX_SOURCE_CHARS } from '../rules/observation';

/** One fact of an observation (documentation; rules/observation.ts checks it). */
export class FactInputDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_NAME_CHARS, example: 'room:42' })
  subject!: string;

  @ApiProperty({ minLength: 1, maxLength: MAX_NAME_CHARS, example: 'temperature' })
  predicate!: string;

  @ApiProperty({
    description: 'A JSON scalar (string, number, boolean), or null to retract the predicate.',
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
    example: 21.5,
  })
  object!: string | number | boolean | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 1 })
  confidence?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the fact starts to hold (world time). Default: the observation’s time.',
  })
  validFrom?: string;

  @ApiPropertyOptional({ enum: CARDINALITIES, default: 'one' })
  cardinality?: 'one' | 'many';
}

/**
 * The body of POST /api/v1/world/observations. Taken as it came: the facts are checked by the
 * same function that the projection uses, so that errors name `facts[i].field`.
 */
export class ObservationDto {
  @ApiProperty({
    type: [FactInputDto],
    minItems: 1,
    description: 'At most PHOENIX_WORLD_MAX_FACTS.',
  })
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.facts)
  @Allow()
  facts!: unknown;

  @ApiPropertyOptional({ maxLength: MAX_SOURCE_CHARS, example: 'thermostat-7' })
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.source)
  @Allow()
  source?: unknown;
}

export class ObservationReceiptDto {
  @ApiProperty({ format: 'uuid', description: 'The observation memory.' })
  memoryId!: string;

  @ApiProperty()
  leafIndex!: number;

  @ApiProperty({ description: 'RFC 9162 leaf hash (hex).' })
  leafHash!: string;

  @ApiProperty({ format: 'date-time', description: 'System time; the default validFrom.' })
  recordedAt!: string;

  @ApiProperty({ description: 'Facts in the observation.' })
  facts!: number;

  @ApiProperty({ description: 'Size of a tree that includes the observation.' })
  treeSize!: number;

  @ApiProperty({ description: 'Root hash (hex) of that tree.' })
  rootHash!: string;
}
