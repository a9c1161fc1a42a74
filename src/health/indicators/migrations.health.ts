import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** Startup: every migration the build knows of has been applied. */
@Injectable()
export class MigrationsHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.dataSource.isInitialized) {
      return indicator.down({ message: 'database not connected' });
    }
    const pending = await this.dataSource.showMigrations();
    return pending
      ? indicator.down({ message: 'migrations pending' })
      : indicator.up({ applied: this.dataSource.migrations.length });
  }
}
