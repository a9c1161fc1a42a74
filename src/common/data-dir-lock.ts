import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'phoenix.lock';
const OWNER_FILE = 'phoenix.lock.owner';

/** Held for the life of the process; the OS releases it when the process ends, however it ends. */
let held: Database.Database | undefined;

/**
 * Takes the exclusive lock of a SQLite data directory, or throws with one line naming the
 * directory and the process that holds it. Two processes writing one SQLite log would each
 * assign the same leaf indexes in their own memory of the tree, so the second must not start.
 *
 * The lock is SQLite's own exclusive lock (a POSIX advisory lock on `phoenix.lock`), so a
 * process that dies, even by `kill -9`, leaves no stale lock behind: the kernel drops it.
 * `phoenix.lock.owner` only says who holds it, for the message; it is not the lock.
 */
export function lockDataDir(dataDir: string): void {
  if (held !== undefined) {
    return;
  }
  const lock = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') {
      throw error;
    }
    throw new Error(
      `data directory ${dataDir} is in use by another Phoenix Kernel process (${owner(dataDir)}); ` +
        'one SQLite data directory serves one process (use PostgreSQL for replicas)',
    );
  }
  held = lock;
  writeFileSync(
    join(dataDir, OWNER_FILE),
    `pid ${process.pid} since ${new Date().toISOString()}\n`,
    { mode: 0o600 },
  );
}

function owner(dataDir: string): string {
  try {
    return readFileSync(join(dataDir, OWNER_FILE), 'utf8').trim();
  } catch {
    return 'holder unknown';
  }
}
