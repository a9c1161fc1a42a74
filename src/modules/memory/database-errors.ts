/** SQLite result codes a row can cause (better-sqlite3 puts the extended code in `code`). */
const SQLITE_ROW_CODES = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)(_|$)/;

/**
 * PostgreSQL SQLSTATE classes that no row causes: 08 connection, 25 invalid transaction state
 * (e.g. read-only), 28 authorization, 3D/3F missing catalog or schema, 42 syntax or missing
 * object, 53 insufficient resources (disk full, too many connections), 57 operator
 * intervention (shutdown), 58 system error, XX internal error. The others (22 data, 23
 * constraints, 40 a deadlock with another replica's batch, P0 raised by a trigger…) can come
 * from one row of a batch.
 */
const POSTGRES_WRITE_CLASSES = new Set([
  '08',
  '25',
  '28',
  '3D',
  '3F',
  '42',
  '53',
  '57',
  '58',
  'XX',
]);

/**
 * True when an error says the database would refuse any write now (unreachable, full, busy,
 * read-only, an I/O error), false when a row of the transaction may have caused it. Errors
 * without a code (our own checks before the first statement, e.g. a leaf field) count as caused
 * by a row. Group commit uses it to decide whether retrying a batch item by item can help.
 */
export function failsAnyWrite(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    return false;
  }
  if (code.startsWith('SQLITE_')) {
    return !SQLITE_ROW_CODES.test(code);
  }
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    return POSTGRES_WRITE_CLASSES.has(code.slice(0, 2));
  }
  // Node system errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOSPC…).
  return /^E[A-Z]+$/.test(code);
}
