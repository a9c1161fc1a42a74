import { DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { KernelModule } from './kernel';
import { MemoryModule } from './modules/memory/memory.module';

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
        MemoryModule,
      ],
    };
  }
}
