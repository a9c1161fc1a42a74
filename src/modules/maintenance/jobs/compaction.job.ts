import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { SQLITE_BUSY_TIMEOUT_MS, sqlitePath } from '../../../database/data-source-options';
import type { JobReport, MaintenanceJob } from '../maintenance-job';
import { betweenTransactions, sqliteConnection } from './sqlite-connection';
import { SqliteWorker } from './sqlite-worker';

/** Pages freed per incremental_vacuum step (one short write transaction): 1 MiB at 4 KiB pages. */
export const VACUUM_PAGES_PER_STEP = 256;

interface Checkpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * SQLite: return free pages to the filesystem in small steps (auto_vacuum is INCREMENTAL) and
 * fold the WAL back into the database and truncate it, both on a worker thread with a
 * connection of its own; then let SQLite refresh its planner statistics. PostgreSQL: ANALYZE the service's tables (autovacuum does the rest).
 */
@Injectable()
export class CompactionJob implements MaintenanceJob {
  readonly name = 'compaction' as const;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  appliesTo(): boolean {
    return true;
  }

  run(signal: AbortSignal): Promise<JobReport> {
    return this.config.db.type === 'postgres' ? this.analyze() : this.compactSqlite(signal);
  }

  private async compactSqlite(signal: AbortSignal): Promise<JobReport> {
    const db = sqliteConnection(this.dataSource);
    const worker = new SqliteWorker(sqlitePath(this.config), SQLITE_BUSY_TIMEOUT_MS);
    // While the worker fills the WAL, the service's own commits must not checkpoint it
    // (that would copy and sync it on the event loop); the worker's connection does.
    const autocheckpoint = Number(db.pragma('wal_autocheckpoint', { simple: true }));
    db.pragma('wal_autocheckpoint = 0');
    try {
      const { vacuumed, steps } = await this.vacuum(worker, signal);
      // optimize looks at what this connection has queried: it runs on the service's one,
      // before the last checkpoint, which then takes in what it wrote (sqlite_stat1).
      await betweenTransactions(db, signal, () => db.pragma('optimize'));
      const [checkpoint] = await worker.pragma<Checkpoint>('wal_checkpoint(TRUNCATE)', signal);
      return {
        outcome: 'success',
        detail:
          `vacuumed ${vacuumed} pages in ${steps} steps; ` +
          `checkpointed ${checkpoint?.checkpointed ?? 0} of ${checkpoint?.log ?? 0} WAL frames` +
          (checkpoint?.busy ? ' (busy: readers kept part of the WAL)' : '') +
          '; optimized',
      };
    } finally {
      db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
      await worker.close();
    }
  }

  /**
   * Frees pages a step at a time on the worker's connection: each step is a short write
   * transaction, so the service's own writes wait at most one step for the lock, and the I/O
   * (which can stall for long on a busy disk) never holds the event loop.
   */
  private async vacuum(
    worker: SqliteWorker,
    signal: AbortSignal,
  ): Promise<{ vacuumed: number; steps: number }> {
    const freelist = async () => {
      const [row] = await worker.pragma<Record<string, number>>('freelist_count', signal);
      return Number(Object.values(row ?? {})[0] ?? 0);
    };
    let vacuumed = 0;
    let steps = 0;
    for (let before = await freelist(); before > 0;) {
      await worker.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_STEP})`, signal);
      const after = await freelist();
      vacuumed += before - after;
      steps += 1;
      if (after >= before) {
        break;
      }
      before = after;
    }
    return { vacuumed, steps };
  }

  private async analyze(): Promise<JobReport> {
    const tables = this.tables();
    await this.dataSource.query(`ANALYZE ${tables.join(', ')}`);
    return { outcome: 'success', detail: `analyzed ${tables.length} tables` };
  }

  /** The service's own tables, schema-qualified: a plain ANALYZE would cover the whole database. */
  private tables(): string[] {
    const escape = (name: string) => this.dataSource.driver.escape(name);
    const qualify = (schema: string | undefined, table: string) =>
      schema ? `${escape(schema)}.${escape(table)}` : escape(table);
    const schema = this.config.db.schema;
    const names = new Set<string>([qualify(schema, 'migrations')]);
    for (const metadata of this.dataSource.entityMetadatas) {
      if (metadata.tableType === 'regular' || metadata.tableType === 'junction') {
        names.add(qualify(metadata.schema ?? schema, metadata.tableName));
      }
    }
    return [...names];
  }
}
