import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * The PostgreSQL advisory lock key of a job: the first 8 bytes of SHA-256 over a name that
 * includes the schema, so two deployments sharing a database do not block each other.
 */
export function advisoryLockKey(schema: string | undefined, job: string): string {
  const digest = createHash('sha256')
    .update(`phoenix:maintenance:${schema ?? 'public'}:${job}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}

export type Locked<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` while holding a session-level advisory lock on a connection of its own, or
 * not at all if another session (another replica) holds it. The lock is released when `work`
 * settles; should the connection die meanwhile, PostgreSQL releases it with the session.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  key: string,
  work: () => Promise<T>,
): Promise<Locked<T>> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ])) as Array<{ locked: boolean }>;
    if (!rows[0]?.locked) {
      return { acquired: false };
    }
    try {
      return { acquired: true, value: await work() };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await runner.release();
  }
}
