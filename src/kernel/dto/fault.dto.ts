import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { COMPONENT_NAMES, type ComponentName } from '../component';
import {
  Fault,
  FAULT_TYPES,
  FaultSpec,
  type FaultType,
  MAX_FAULT_DURATION_MS,
  MAX_FAULT_LATENCY_MS,
} from '../faults/fault';

export class CreateFaultDto {
  @ApiProperty({ enum: COMPONENT_NAMES, description: 'The component whose boundary is hit' })
  @IsIn(COMPONENT_NAMES)
  component!: ComponentName;

  @ApiProperty({
    enum: FAULT_TYPES,
    description:
      'error: the call fails with 503; latency: the call is delayed by latencyMs; crash: the ' +
      'component fails and is restarted by the supervisor, the call gets 503; hang: the call ' +
      'never answers and the boundary timeout answers 503',
  })
  @IsIn(FAULT_TYPES)
  type!: FaultType;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    default: 1,
    description: 'Chance that a call is hit',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  probability?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_FAULT_LATENCY_MS,
    description: 'Delay added to each hit call; required for latency faults, ignored otherwise',
  })
  @ValidateIf((dto: CreateFaultDto) => dto.type === 'latency' || dto.latencyMs !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_FAULT_LATENCY_MS)
  latencyMs?: number;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_FAULT_DURATION_MS,
    description: 'The fault expires by itself after this many milliseconds',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_FAULT_DURATION_MS)
  durationMs!: number;

  toSpec(): FaultSpec {
    return {
      component: this.component,
      type: this.type,
      probability: this.probability ?? 1,
      latencyMs: this.type === 'latency' ? (this.latencyMs ?? 0) : null,
      durationMs: this.durationMs,
    };
  }
}

export class FaultDto implements Fault {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: COMPONENT_NAMES })
  component!: ComponentName;

  @ApiProperty({ enum: FAULT_TYPES })
  type!: FaultType;

  @ApiProperty({ minimum: 0, maximum: 1 })
  probability!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Set for latency faults only' })
  latencyMs!: number | null;

  @ApiProperty()
  durationMs!: number;

  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2025-01-01T12:01:00.000Z' })
  expiresAt!: string;
}

export class FaultListDto {
  @ApiProperty({ type: [FaultDto] })
  faults!: FaultDto[];
}
