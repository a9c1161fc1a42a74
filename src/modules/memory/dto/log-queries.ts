import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class ProofQuery {
  @ApiPropertyOptional({
    description: 'Tree size to prove against (default: the current size).',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SAFE)
  treeSize?: number;
}

export class ConsistencyQuery {
  @ApiProperty({ minimum: 0, description: 'The older tree size.' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SAFE)
  from!: number;

  @ApiPropertyOptional({
    minimum: 0,
    description: 'The newer tree size (default: the current size).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SAFE)
  to?: number;
}

export class EntriesQuery {
  @ApiProperty({ minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SAFE)
  start!: number;

  @ApiPropertyOptional({ description: 'Exclusive; at most start + 1000; default start + 100.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SAFE)
  end?: number;
}
