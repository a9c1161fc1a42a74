import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { AlignmentStatistics } from '../evaluation/alignment-stats';

export const WINDOW_PATTERN = /^[1-9]\d{0,8}(ms|s|m|h|d)$/;

export class AlignmentQuery {
  @ApiPropertyOptional({
    default: '24h',
    example: '7d',
    pattern: WINDOW_PATTERN.source,
    description: 'How far back: a duration such as 90m, 24h, 7d (at most 366d).',
  })
  @IsOptional()
  @Matches(WINDOW_PATTERN, { message: 'window must be a duration such as 90m, 24h or 7d' })
  window?: string;
}

export class VerdictCountsDto {
  @ApiProperty() allow!: number;
  @ApiProperty() deny!: number;
  @ApiProperty() escalate!: number;
}

export class AlignmentDto implements AlignmentStatistics {
  @ApiProperty({ example: '24h' })
  window!: string;

  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ format: 'date-time' })
  until!: string;

  @ApiProperty({ description: 'Decisions in the window (the newest ones when truncated).' })
  count!: number;

  @ApiProperty({ type: Number, nullable: true })
  mean!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '10th percentile (nearest rank).' })
  p10!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  min!: number | null;

  @ApiProperty({ type: VerdictCountsDto })
  verdicts!: VerdictCountsDto;

  @ApiProperty({ description: 'More decisions fell in the window than one read takes (10 000).' })
  truncated!: boolean;
}
