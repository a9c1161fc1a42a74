import { ApiProperty } from '@nestjs/swagger';
import { FactDto } from './fact.dto';

const NEXT = { type: String, nullable: true, description: 'Pass as `cursor` for the next page.' };

export class EntitySummaryDto {
  @ApiProperty()
  subject!: string;

  @ApiProperty({ description: 'Facts about it that hold now.' })
  currentFacts!: number;

  @ApiProperty({ description: 'Facts about it in its whole history.' })
  facts!: number;
}

export class EntityPageDto {
  @ApiProperty({ type: [EntitySummaryDto] })
  items!: EntitySummaryDto[];

  @ApiProperty(NEXT)
  nextCursor!: string | null;
}

export class EntityFactsDto {
  @ApiProperty()
  subject!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null: now.' })
  at!: string | null;

  @ApiProperty({ type: [FactDto] })
  items!: FactDto[];

  @ApiProperty(NEXT)
  nextCursor!: string | null;
}

export class ConflictDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty()
  predicate!: string;

  @ApiProperty({ format: 'date-time' })
  validFrom!: string;

  @ApiProperty({ type: [FactDto], description: 'Every claim of the contradiction.' })
  facts!: FactDto[];
}

export class ConflictPageDto {
  @ApiProperty({ type: [ConflictDto] })
  items!: ConflictDto[];

  @ApiProperty(NEXT)
  nextCursor!: string | null;
}

export class SkippedObservationDto {
  @ApiProperty()
  leafIndex!: number;

  @ApiProperty({ format: 'uuid' })
  memoryId!: string;

  @ApiProperty({ example: 'facts[0].object: must be a JSON scalar' })
  reason!: string;
}

export class SkippedPageDto {
  @ApiProperty({ type: [SkippedObservationDto] })
  items!: SkippedObservationDto[];

  @ApiProperty(NEXT)
  nextCursor!: string | null;
}

export class CoherenceDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: '1 − conflictingFacts ÷ facts; 1 if empty.' })
  coherence!: number;

  @ApiProperty({ description: 'Current facts.' })
  facts!: number;

  @ApiProperty({ description: 'Open contradictions.' })
  conflicts!: number;

  @ApiProperty({ description: 'Current facts that are part of an open contradiction.' })
  conflictingFacts!: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Last leaf index applied (null before the first).',
  })
  cursor!: number | null;

  @ApiProperty({ description: 'Leaves in the memory log.' })
  treeSize!: number;

  @ApiProperty({ description: 'Leaves not yet applied: treeSize − (cursor + 1).' })
  lag!: number;

  @ApiProperty({
    description:
      'Forgotten observations whose facts are still served: a forget is withdrawn from the ' +
      'projection by its next unit, so this is 0 a few milliseconds after the DELETE.',
  })
  pendingWithdrawals!: number;

  @ApiProperty({ description: 'Malformed observations skipped.' })
  skipped!: number;

  @ApiProperty({ description: 'Generation of the projection being served (a rebuild adds one).' })
  generation!: number;

  @ApiProperty({ enum: ['running', 'paused', 'stopped'] })
  projection!: string;
}

export class RebuildStatusDto {
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'aborted'] })
  state!: string;

  @ApiProperty({ nullable: true, type: Number })
  generation!: number | null;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;

  @ApiProperty({ nullable: true, type: Number })
  durationMs!: number | null;

  @ApiProperty({ description: 'Leaves replayed so far.' })
  leaves!: number;

  @ApiProperty({ description: 'Facts written so far.' })
  facts!: number;

  @ApiProperty({ description: 'Malformed observations skipped so far.' })
  skipped!: number;

  @ApiProperty({ nullable: true, type: String })
  error!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The generation it replaced.' })
  replacedGeneration!: number | null;

  @ApiProperty({ description: 'Whether the replaced generation’s rows are deleted yet.' })
  replacedDeleted!: boolean;
}
