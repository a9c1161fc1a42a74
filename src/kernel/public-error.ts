import { DomainError } from '../common/errors/domain-error';
import { errorMessage } from './with-timeout';

/** Built-in error classes whose messages our own code writes (a driver's are subclasses). */
const PLAIN = new Set<unknown>([Error, TypeError, RangeError, SyntaxError]);
/** Absolute POSIX or Windows paths, e.g. /srv/app/axioms.json or C:\app\axioms.json. */
const ABSOLUTE_PATH = /(?:[A-Za-z]:)?(?:[\\/][\w.@-]+){2,}/g;

/**
 * What the status API may say of an error: a DomainError's message, our own plain errors'
 * messages (absolute paths cut to their last segment), and for a driver or system error only
 * its class and code (a database driver's text names tables, hosts and files). The full error
 * is logged where it is caught.
 */
export function publicErrorMessage(error: unknown): string {
  if (error instanceof DomainError) {
    return error.message;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // A driver's error, or a bare `{ code }` thrown across a worker boundary: its class and code only.
  const foreign =
    error instanceof Error
      ? code !== undefined || !PLAIN.has(error.constructor)
      : code !== undefined;
  if (foreign) {
    const name = error instanceof Error ? error.name : 'Error';
    const shownCode = typeof code === 'string' || typeof code === 'number' ? ` (${code})` : '';
    return `${name}${shownCode}; the details are in the log`;
  }
  return errorMessage(error).replace(ABSOLUTE_PATH, (path) => `…/${path.split(/[\\/]/).pop()}`);
}
