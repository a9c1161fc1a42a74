/**
 * Preload for a server under diagnosis (`node -r <compiled file> dist/main.js`): counts
 * better-sqlite3 `prepare()` calls and the distinct SQL texts prepared. On SIGUSR2 it appends
 * `{"prepares":N,"distinct":M}` to the file named by PREPARE_COUNTER_OUT, so a caller can
 * take the difference around a measured run. A statement prepared per request, rather than
 * once, shows up as about one prepare (and one new SQL text) per request.
 */
import { appendFileSync } from 'node:fs';

interface PrepareTarget {
  prototype: { prepare: (this: unknown, sql: string, ...rest: unknown[]) => unknown };
}

// Resolved from the server's working directory (the project), like the app's own require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require(
  require.resolve('better-sqlite3', { paths: [process.cwd()] }),
) as PrepareTarget;
const original = Database.prototype.prepare;
const seen = new Set<string>();
let prepares = 0;

Database.prototype.prepare = function prepare(this: unknown, sql: string, ...rest: unknown[]) {
  prepares += 1;
  seen.add(sql);
  return original.call(this, sql, ...rest);
};

process.on('SIGUSR2', () => {
  const out = process.env.PREPARE_COUNTER_OUT;
  if (out) {
    appendFileSync(out, `${JSON.stringify({ prepares, distinct: seen.size })}\n`);
  }
});
