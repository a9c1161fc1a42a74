import type BetterSqlite3 from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** The one better-sqlite3 connection behind TypeORM's SQLite driver. */
export function sqliteConnection(dataSource: DataSource): BetterSqlite3.Database {
  return (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database })
    .databaseConnection;
}

/**
 * Runs one synchronous step on the shared connection once no transaction is open on it, so a
 * maintenance statement never lands inside somebody else's transaction. Each step must be
 * short: it holds the event loop while it runs.
 */
export async function betweenTransactions<T>(
  db: BetterSqlite3.Database,
  signal: AbortSignal,
  step: () => T,
): Promise<T> {
  while (db.inTransaction) {
    signal.throwIfAborted();
    await sleep(5);
  }
  signal.throwIfAborted();
  return step();
}

/** Lets the event loop serve what is waiting (requests, probes) between two steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
