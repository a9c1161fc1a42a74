import { ApiProperty } from '@nestjs/swagger';

export class InclusionProofDto {
  @ApiProperty({ format: 'uuid' })
  memoryId!: string;

  @ApiProperty()
  leafIndex!: number;

  @ApiProperty()
  treeSize!: number;

  @ApiProperty()
  leafHash!: string;

  @ApiProperty({ type: [String], description: 'RFC 9162 audit path, hex, leaf to root.' })
  auditPath!: string[];

  @ApiProperty()
  rootHash!: string;
}

export class SignedTreeHeadDto {
  @ApiProperty()
  treeSize!: number;

  @ApiProperty()
  rootHash!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty({
    description:
      'Base64 Ed25519 signature of the canonical JSON {v:1,treeSize,rootHash,timestamp}.',
  })
  signature!: string;

  @ApiProperty({ description: 'Lowercase hex SHA-256 of the public key (DER, SPKI).' })
  keyId!: string;

  @ApiProperty({ example: 'Ed25519' })
  algorithm!: string;
}

export class ConsistencyProofDto {
  @ApiProperty()
  from!: number;

  @ApiProperty()
  to!: number;

  @ApiProperty()
  fromRootHash!: string;

  @ApiProperty()
  toRootHash!: string;

  @ApiProperty({ type: [String], description: 'RFC 9162 consistency proof, hex.' })
  proof!: string[];
}

export class LogEntryDto {
  @ApiProperty()
  leafIndex!: number;

  @ApiProperty()
  leafHash!: string;

  @ApiProperty({ format: 'uuid' })
  memoryId!: string;

  @ApiProperty()
  kind!: string;

  @ApiProperty()
  forgotten!: boolean;
}

export class LogEntriesDto {
  @ApiProperty()
  start!: number;

  @ApiProperty()
  end!: number;

  @ApiProperty()
  treeSize!: number;

  @ApiProperty({ type: [LogEntryDto] })
  entries!: LogEntryDto[];
}

export class VerificationMismatchDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  memoryId!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  leafIndex!: number | null;

  @ApiProperty({ example: 'leaf_mismatch' })
  problem!: string;

  @ApiProperty()
  detail!: string;
}

export class VerificationReportDto {
  @ApiProperty({ description: 'True when every leaf and the root match.' })
  ok!: boolean;

  @ApiProperty()
  treeSize!: number;

  @ApiProperty({ description: 'Root recomputed from the rows.' })
  computedRootHash!: string;

  @ApiProperty({ description: 'Root the log state holds.' })
  storedRootHash!: string;

  @ApiProperty()
  checkedLeaves!: number;

  @ApiProperty({ type: [VerificationMismatchDto] })
  mismatches!: VerificationMismatchDto[];

  @ApiProperty()
  durationMs!: number;
}
