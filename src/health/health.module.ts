import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HEALTH_METRICS } from './health.metrics';
import { ComponentsHealthIndicator } from './indicators/components.health';
import { DiskHealthIndicator } from './indicators/disk.health';
import { HeapHealthIndicator } from './indicators/heap.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { ReadinessService } from './readiness.service';
import { StartupService } from './startup.service';

/** `/health/live`, `/health/ready` and `/health/startup` (see docs/operations.md, "Probes"). */
@Module({
  // Probe outcomes are logged once per change by ReadinessService, not on every failed check.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    ...HEALTH_METRICS,
    ReadinessService,
    StartupService,
    ComponentsHealthIndicator,
    DiskHealthIndicator,
    HeapHealthIndicator,
    MigrationsHealthIndicator,
  ],
  exports: [ReadinessService],
})
export class HealthModule {}
