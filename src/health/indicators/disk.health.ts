import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** Free space for the database, WAL and backups, on the filesystem of the data directory. */
@Injectable()
export class DiskHealthIndicator {
  private readonly dataDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {
    this.dataDir = resolve(config.dataDir);
  }

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const stats = await statfs(this.dataDir);
    // bavail: the blocks an unprivileged process may still use, which is what the service runs as.
    const freeBytes = stats.bavail * stats.bsize;
    const data = {
      freeBytes,
      totalBytes: stats.blocks * stats.bsize,
      minFreeBytes: this.config.health.minFreeDiskBytes,
    };
    return freeBytes >= data.minFreeBytes
      ? indicator.up(data)
      : indicator.down({ message: `free disk below ${data.minFreeBytes} bytes`, ...data });
  }
}
