import { DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { KernelModule } from './kernel';
import { MetricsModule } from './metrics/metrics.module';
import { ConscienceModule } from './modules/conscience/conscience.module';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { MemoryModule } from './modules/memory/memory.module';
import { WorldModelModule } from './modules/world-model/world-model.module';

@Module({})
export class AppModule {
  /** The whole application for a validated configuration (main.ts and the e2e harness). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        KernelModule,
        MetricsModule,
        HealthModule,
        MemoryModule,
        WorldModelModule,
        ConscienceModule,
        MaintenanceModule,
      ],
    };
  }
}
