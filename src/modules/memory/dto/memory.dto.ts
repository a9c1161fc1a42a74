import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A memory's leaf fields and plastic state (no content). */
export class MemorySummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'note' })
  kind!: string;

  @ApiProperty({ type: [String], description: 'Sorted, as in the leaf.' })
  tags!: string[];

  @ApiProperty({ example: 'application/json' })
  contentType!: string;

  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of the content.' })
  contentSha256!: string;

  @ApiProperty({ description: 'Bytes of canonical JSON.' })
  sizeBytes!: number;

  @ApiProperty({ minimum: 0, maximum: 1 })
  importance!: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Current strength (decayed to now).' })
  strength!: number;

  @ApiProperty()
  pinned!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expiresAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'Last reinforcement (creation or recall).' })
  reinforcedAt!: string;

  @ApiProperty()
  recallCount!: number;

  @ApiProperty()
  leafIndex!: number;

  @ApiProperty({ description: 'RFC 9162 leaf hash (hex).' })
  leafHash!: string;

  @ApiPropertyOptional({ description: 'The content (recall, or list with includeContent=true).' })
  content?: unknown;
}

/** A recalled memory: its content and every leaf field. */
export class MemoryDto extends MemorySummaryDto {
  @ApiProperty({ description: 'The JSON value stored.' })
  declare content: unknown;
}

/** The answer to a store: the memory and the tree head that includes it. */
export class StoredMemoryDto extends MemorySummaryDto {
  @ApiProperty({ description: 'Size of a tree that includes this memory.' })
  treeSize!: number;

  @ApiProperty({ description: 'Root hash (hex) of that tree.' })
  rootHash!: string;
}

export class MemoryPageDto {
  @ApiProperty({ type: [MemorySummaryDto] })
  items!: MemorySummaryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' })
  nextCursor!: string | null;
}
