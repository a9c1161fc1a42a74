import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAINTENANCE_JOB_NAMES } from '../../../config/environment';
import type { JobView } from '../maintenance.service';
import type { JobRun, MaintenanceJobName, RunOutcome } from '../maintenance-job';

const OUTCOMES: RunOutcome[] = ['success', 'failure', 'timeout', 'skipped'];

export class JobRunDto implements JobRun {
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' })
  startedAt!: string;

  @ApiProperty({ example: 42 })
  durationMs!: number;

  @ApiProperty({
    enum: OUTCOMES,
    description: 'skipped: another replica holds the job’s lock, or nothing to do on this database',
  })
  outcome!: RunOutcome;

  @ApiProperty({ enum: ['schedule', 'manual'] })
  trigger!: 'schedule' | 'manual';

  @ApiPropertyOptional({ example: 'vacuumed 0 pages in 0 steps; checkpointed 3 of 3 WAL frames' })
  detail?: string;

  @ApiPropertyOptional({ description: 'Why the run failed or timed out' })
  error?: string;
}

export class MaintenanceJobDto implements JobView {
  @ApiProperty({ enum: MAINTENANCE_JOB_NAMES })
  name!: MaintenanceJobName;

  @ApiProperty({
    description: 'Scheduled (PHOENIX_MAINTENANCE_<JOB>_ENABLED); run-now works either way',
  })
  enabled!: boolean;

  @ApiProperty({ example: '*/5 * * * *' })
  cron!: string;

  @ApiProperty({ description: 'A run is in progress on this instance' })
  running!: boolean;

  @ApiProperty({ type: JobRunDto, nullable: true, description: 'The last run on this instance' })
  lastRun!: JobRunDto | null;

  @ApiProperty({ type: String, nullable: true, example: '2025-01-01T12:05:00.000Z' })
  nextRun!: string | null;
}

export class MaintenanceJobListDto {
  @ApiProperty({ type: [MaintenanceJobDto] })
  jobs!: MaintenanceJobDto[];
}
