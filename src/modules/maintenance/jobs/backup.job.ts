import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { SQLITE_BUSY_TIMEOUT_MS, sqlitePath } from '../../../database/data-source-options';
import type { JobReport, MaintenanceJob } from '../maintenance-job';
import { SqliteWorker } from './sqlite-worker';

const BACKUP_FILE = /^phoenix-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/;

/** `<data dir>/backups` */
export function backupDir(config: Pick<AppConfig, 'dataDir'>): string {
  return join(resolve(config.dataDir), 'backups');
}

/**
 * SQLite: an online backup (SQLite's backup API through better-sqlite3: a consistent snapshot,
 * taken without stopping writers) into `<data dir>/backups/phoenix-<UTC time>.db`, then keeps
 * the newest PHOENIX_BACKUP_KEEP. It runs on a worker thread with a connection of its own, in
 * one step: the copy and its final sync never hold the event loop, and the service's writes
 * meanwhile cannot restart it (a backup taken in steps from another connection restarts on
 * every write). PostgreSQL: skipped; use pg_dump or the platform's snapshots
 * (docs/operations.md, "Maintenance").
 */
@Injectable()
export class BackupJob implements MaintenanceJob {
  readonly name = 'backup' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  appliesTo(db: 'sqlite' | 'postgres'): boolean {
    return db === 'sqlite';
  }

  async run(signal: AbortSignal): Promise<JobReport> {
    if (!this.appliesTo(this.config.db.type)) {
      return { outcome: 'skipped', detail: 'use pg_dump' };
    }
    const dir = backupDir(this.config);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = `phoenix-${new Date().toISOString().replace(/[:.]/g, '-')}.db`;
    const target = join(dir, name);
    const partial = `${target}.partial`;
    const worker = new SqliteWorker(sqlitePath(this.config), SQLITE_BUSY_TIMEOUT_MS);
    try {
      await worker.backup(partial, signal);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    } finally {
      await worker.close();
    }
    const { size } = await stat(target);
    const removed = await this.prune(dir);
    return {
      outcome: 'success',
      detail: `wrote backups/${name} (${size} bytes); removed ${removed} old backups`,
    };
  }

  /** Keeps the newest PHOENIX_BACKUP_KEEP backups (names sort by time). */
  private async prune(dir: string): Promise<number> {
    const backups = (await readdir(dir)).filter((file) => BACKUP_FILE.test(file)).sort();
    const old = backups.slice(0, Math.max(0, backups.length - this.config.maintenance.backupKeep));
    for (const file of old) {
      const path = join(dir, file);
      await Promise.all([path, `${path}-wal`, `${path}-shm`].map((p) => rm(p, { force: true })));
    }
    return old.length;
  }
}
