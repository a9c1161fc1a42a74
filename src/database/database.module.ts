import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        // Start-up applies pending migrations; never `synchronize`.
        migrationsRun: true,
        migrationsTransactionMode: 'each' as const,
        retryAttempts: 0,
      }),
    }),
  ],
})
export class DatabaseModule {}
