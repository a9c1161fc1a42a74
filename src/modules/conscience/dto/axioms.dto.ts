import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EFFECTS, type Effect, PERSPECTIVES, type Perspective } from '../axioms/axiom-set';
import { ThresholdsDto } from './evaluation.dto';

export class AxiomDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PERSPECTIVES }) perspective!: Perspective;
  @ApiProperty({ enum: EFFECTS }) effect!: Effect;
  @ApiProperty() weight!: number;

  @ApiProperty({ description: 'JSONLogic condition over {action, context, precedent}.' })
  when!: unknown;

  @ApiPropertyOptional({ description: 'require only: what must hold when it applies.' })
  requires?: unknown;

  @ApiProperty() rationale!: string;
}

export class PerspectiveWeightsDto {
  @ApiProperty() deontic!: number;
  @ApiProperty() consequential!: number;
  @ApiProperty() precedent!: number;
}

export class PrecedentSettingsDto {
  @ApiProperty() window!: number;
  @ApiProperty() priorWeight!: number;
}

export class ReloadOutcomeDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['admin', 'file-change'] }) trigger!: 'admin' | 'file-change';
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'The file held another set, now in service.' }) changed!: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  errors?: Record<string, string[]>;
}

export class AxiomsDto {
  @ApiProperty({ example: '2025.1.0' })
  version!: string;

  @ApiProperty({ description: 'SHA-256 of the set’s canonical JSON.' })
  digest!: string;

  @ApiProperty({ enum: ['file', 'builtin-fallback'] })
  source!: 'file' | 'builtin-fallback';

  @ApiProperty({ type: String, nullable: true, description: 'The file in service, if any.' })
  path!: string | null;

  @ApiProperty({ description: 'True while the built-in fallback is in service.' })
  degraded!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the fallback is in service.' })
  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  loadedAt!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ type: ThresholdsDto })
  thresholds!: ThresholdsDto;

  @ApiProperty({ type: PerspectiveWeightsDto })
  perspectiveWeights!: PerspectiveWeightsDto;

  @ApiProperty({ type: PrecedentSettingsDto })
  precedent!: PrecedentSettingsDto;

  @ApiProperty({ type: [String], description: 'JSON Pointers masked in the decision log.' })
  mask!: string[];

  @ApiProperty({ type: [AxiomDto] })
  axioms!: AxiomDto[];

  @ApiProperty({
    type: ReloadOutcomeDto,
    nullable: true,
    description: 'The last reload (admin or file change) since start, if any.',
  })
  lastReload!: ReloadOutcomeDto | null;
}
