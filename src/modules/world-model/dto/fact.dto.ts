import { ApiProperty } from '@nestjs/swagger';
import { CARDINALITIES } from '../rules/observation';
import { FACT_STATUSES } from '../rules/timeline';

export class FactDto {
  @ApiProperty({ example: '3f0c…:0', description: '<observation memory id>:<position in it>' })
  id!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty()
  predicate!: string;

  @ApiProperty({
    description: 'The JSON scalar claimed; null for a retraction.',
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
  })
  object!: string | number | boolean | null;

  @ApiProperty({ minimum: 0, maximum: 1 })
  confidence!: number;

  @ApiProperty({ enum: CARDINALITIES })
  cardinality!: string;

  @ApiProperty({ format: 'date-time', description: 'World time from which it holds.' })
  validFrom!: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'World time at which it stopped holding (closed facts only).',
  })
  validTo!: string | null;

  @ApiProperty({ format: 'date-time', description: 'System time the observation was stored.' })
  recordedAt!: string;

  @ApiProperty({ enum: FACT_STATUSES })
  status!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The fact that closed or outranked it.',
  })
  supersededBy!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The contradiction it is part of.' })
  conflictId!: string | null;

  @ApiProperty({ format: 'uuid' })
  sourceMemoryId!: string;

  @ApiProperty()
  sourceLeafIndex!: number;
}
