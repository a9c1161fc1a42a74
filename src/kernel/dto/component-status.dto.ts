import { ApiProperty } from '@nestjs/swagger';
import { COMPONENT_NAMES, type ComponentName, type ComponentState } from '../component';
import type { ComponentStatus } from '../component-status';

const STATES: ComponentState[] = ['starting', 'running', 'degraded', 'failed', 'stopped'];

export class ComponentStatusDto implements ComponentStatus {
  @ApiProperty({ enum: COMPONENT_NAMES, example: 'memory' })
  name!: ComponentName;

  @ApiProperty({
    enum: STATES,
    description: 'running and degraded serve requests; the others answer 503',
    example: 'running',
  })
  state!: ComponentState;

  @ApiProperty({ description: 'Readiness fails while a critical component does not serve' })
  critical!: boolean;

  @ApiProperty({
    description: 'When the component entered its current state',
    example: '2025-01-01T12:00:00.000Z',
  })
  since!: string;

  @ApiProperty({ description: 'Restarts so far, by the supervisor or an operator', example: 0 })
  restarts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Message of the last failure, kept after recovery',
    example: null,
  })
  lastError!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the component is in its current state',
    example: 'application start-up',
  })
  reason!: string | null;
}

export class ComponentListDto {
  @ApiProperty({ type: [ComponentStatusDto] })
  components!: ComponentStatusDto[];
}
