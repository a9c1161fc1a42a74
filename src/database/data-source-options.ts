import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/environment';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../migrations';

/** Milliseconds SQLite waits on a locked database before SQLITE_BUSY (another process, a backup). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function sqlitePath(config: Pick<AppConfig, 'dataDir'>): string {
  return join(config.dataDir, 'phoenix.db');
}

/**
 * Pragmas for every SQLite connection. `auto_vacuum` only takes effect before the first table
 * is created, which is why it runs here, ahead of the migrations, on a fresh file.
 */
export function prepareSqlite(db: {
  pragma: (source: string, options?: { simple?: boolean }) => unknown;
}): void {
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
}

/** The one builder of TypeORM options, used by the app and by `ormconfig.ts` (the CLI). */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'dataDir' | 'db'>,
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (config.db.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.db.url,
      schema: config.db.schema,
      // Transactions that append to the log take an advisory lock; a pool lets reads go on meanwhile.
      poolSize: config.db.poolSize,
      extra: {
        connectionTimeoutMillis: 5000,
        // Put the schema first so unqualified names resolve there (fresh schemas in tests).
        ...(config.db.schema ? { options: `-c search_path=${config.db.schema}` } : {}),
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqlitePath(config),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: prepareSqlite,
  };
}
