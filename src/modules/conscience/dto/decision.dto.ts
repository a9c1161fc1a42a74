import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MODES, type Mode, VERDICTS, type Verdict } from '../evaluation/types';
import { EvaluationResultDto } from './evaluation.dto';

export class DecisionInputDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  action!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  context!: Record<string, unknown>;

  @ApiProperty({ enum: MODES })
  mode!: Mode;
}

/** A decision memory's content, exactly as logged (its SHA-256 is the leaf's contentSha256). */
export class DecisionContentDto {
  @ApiProperty({ example: 1 })
  v!: 1;

  @ApiProperty({
    type: DecisionInputDto,
    description: 'The request, with the axioms’ mask applied ("[masked]").',
  })
  input!: DecisionInputDto;

  @ApiProperty({ type: EvaluationResultDto })
  result!: EvaluationResultDto;

  @ApiProperty()
  axiomsVersion!: string;
}

/** A decision read back from the log: its leaf fields and its content (never a recall). */
export class DecisionRecordDto {
  @ApiProperty({ format: 'uuid', description: 'Decision id = memory id.' })
  id!: string;

  @ApiProperty({ example: 'decision' })
  kind!: string;

  @ApiProperty()
  leafIndex!: number;

  @ApiProperty({ format: 'date-time', description: 'The leaf’s createdAt.' })
  createdAt!: string;

  @ApiProperty({ type: [String], description: 'Sorted, as in the leaf (verdict:, action:, …).' })
  tags!: string[];

  @ApiProperty({ type: DecisionContentDto })
  content!: DecisionContentDto;
}

export class DecisionPageDto {
  @ApiProperty({ type: [DecisionRecordDto] })
  items!: DecisionRecordDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' })
  nextCursor!: string | null;
}

export class ListEvaluationsQuery {
  @ApiPropertyOptional({ enum: VERDICTS })
  @IsOptional()
  @IsIn([...VERDICTS])
  verdict?: Verdict;

  @ApiPropertyOptional({ description: 'The action type, exactly as evaluated.', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  actionType?: string;

  @ApiPropertyOptional({ description: 'Logged at or after (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

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
}
