import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EFFECTS, type Effect } from '../axioms/axiom-set';
import {
  type AxiomOutcome,
  type ConsequentialResult,
  type EvaluationResult,
  MODES,
  type Mode,
  type PerspectiveResult,
  type PrecedentResult,
  VERDICTS,
  type Verdict,
} from '../evaluation/types';

export class AxiomOutcomeDto implements AxiomOutcome {
  @ApiProperty({ example: 'consent-for-personal-data' })
  id!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ enum: EFFECTS })
  effect!: Effect;

  @ApiProperty({
    enum: ['fired', 'unmet', 'error'],
    description: 'fired (forbid, weigh), unmet (require), error (its rule threw: escalates)',
  })
  outcome!: 'fired' | 'unmet' | 'error';

  @ApiProperty()
  weight!: number;

  @ApiProperty({ description: 'Added to the perspective’s raw score.' })
  contribution!: number;

  @ApiProperty()
  rationale!: string;

  @ApiPropertyOptional()
  error?: string;
}

export class PerspectiveDto implements PerspectiveResult {
  @ApiProperty({ minimum: 0, maximum: 1 })
  score!: number;

  @ApiProperty({ description: 'Its weight in the alignment.' })
  weight!: number;

  @ApiProperty({ description: 'The score before axioms.' })
  base!: number;

  @ApiProperty({ type: [AxiomOutcomeDto], description: 'The axioms that affected the score.' })
  axioms!: AxiomOutcomeDto[];
}

export class ConsequentialFactorsDto {
  @ApiProperty() harm!: number;
  @ApiProperty() benefit!: number;
  @ApiProperty() scope!: number;
  @ApiProperty({ type: Boolean, nullable: true }) reversible!: boolean | null;
  @ApiProperty({ description: 'harm × (0.5 + 0.5 × scope) × reversibility' }) severity!: number;
}

export class ConsequentialPerspectiveDto extends PerspectiveDto implements ConsequentialResult {
  @ApiProperty({ type: ConsequentialFactorsDto })
  factors!: ConsequentialFactorsDto;
}

export class PrecedentHistoryDto {
  @ApiProperty({ description: 'Digest of the action type and target (tag subject:<digest>).' })
  subject!: string;

  @ApiProperty({ description: 'Only decisions at leaf indices below this were considered.' })
  asOfTreeSize!: number;

  @ApiProperty() window!: number;
  @ApiProperty() considered!: number;
  @ApiProperty() allow!: number;
  @ApiProperty() deny!: number;
  @ApiProperty() escalate!: number;
}

export class PrecedentPerspectiveDto extends PerspectiveDto implements PrecedentResult {
  @ApiProperty({ type: PrecedentHistoryDto })
  history!: PrecedentHistoryDto;
}

export class PerspectivesDto {
  @ApiProperty({ type: PerspectiveDto })
  deontic!: PerspectiveDto;

  @ApiProperty({ type: ConsequentialPerspectiveDto })
  consequential!: ConsequentialPerspectiveDto;

  @ApiProperty({ type: PrecedentPerspectiveDto })
  precedent!: PrecedentPerspectiveDto;
}

export class ThresholdsDto {
  @ApiProperty() allow!: number;
  @ApiProperty() maxSpread!: number;
}

/** The result as the decision log holds it. */
export class EvaluationResultDto implements EvaluationResult {
  @ApiProperty({ enum: VERDICTS })
  verdict!: Verdict;

  @ApiProperty({ description: 'False in monitor mode: the verdict is advice only.' })
  enforced!: boolean;

  @ApiProperty({ enum: MODES })
  mode!: Mode;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Weighted mean of the three scores.' })
  alignment!: number;

  @ApiProperty({ description: 'Largest difference between the weighted perspectives’ scores.' })
  spread!: number;

  @ApiProperty({ type: [String], description: 'Why this verdict, most decisive first.' })
  reasons!: string[];

  @ApiProperty({ type: PerspectivesDto })
  perspectives!: PerspectivesDto;

  @ApiProperty({ type: ThresholdsDto })
  thresholds!: ThresholdsDto;

  @ApiProperty({ example: '2025.1.0' })
  axiomsVersion!: string;

  @ApiProperty({ description: 'SHA-256 of the axiom set’s canonical JSON.' })
  axiomsDigest!: string;

  @ApiProperty({ description: 'Decided on the built-in fallback axioms.' })
  degraded!: boolean;

  @ApiProperty({ format: 'date-time' })
  evaluatedAt!: string;

  @ApiProperty({ description: 'Time spent evaluating, up to the log append.' })
  durationMs!: number;
}

/** The answer to an evaluation: the logged result and where it is in the log. */
export class EvaluationDto extends EvaluationResultDto {
  @ApiProperty({ format: 'uuid', description: 'The decision id (the id of its memory).' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  memoryId!: string;

  @ApiProperty({ description: 'Leaf of the decision in the memory log (prove it like a memory).' })
  leafIndex!: number;
}
