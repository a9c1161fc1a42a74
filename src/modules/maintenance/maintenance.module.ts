import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MemoryModule } from '../memory/memory.module';
import { BackupJob } from './jobs/backup.job';
import { CleanupJob } from './jobs/cleanup.job';
import { CompactionJob } from './jobs/compaction.job';
import { IntegrityJob } from './jobs/integrity.job';
import { MaintenanceController } from './maintenance.controller';
import type { MaintenanceJob } from './maintenance-job';
import { MAINTENANCE_METRICS } from './maintenance.metrics';
import { MaintenanceService } from './maintenance.service';
import { MAINTENANCE_JOBS } from './maintenance.tokens';

/** Scheduled maintenance (docs/operations.md, "Maintenance") and its admin routes. */
@Module({
  imports: [ScheduleModule.forRoot(), MemoryModule],
  controllers: [MaintenanceController],
  providers: [
    ...MAINTENANCE_METRICS,
    CompactionJob,
    CleanupJob,
    IntegrityJob,
    BackupJob,
    {
      provide: MAINTENANCE_JOBS,
      inject: [CompactionJob, CleanupJob, IntegrityJob, BackupJob],
      useFactory: (...jobs: MaintenanceJob[]) => jobs,
    },
    MaintenanceService,
  ],
})
export class MaintenanceModule {}
