/**
 * Rules for text that reaches a database column, shared by every layer that admits it (the HTTP
 * edge, the DTOs, the world projection for facts inside memory content), so that a value is
 * either refused everywhere with the same words or accepted everywhere. See docs/world-model.md.
 */

/** Most characters (code points) in a world-model name: a subject or a predicate. */
export const MAX_NAME_CHARS = 256;

/**
 * Most characters of a path parameter as it arrives, percent-encoded: a name of
 * MAX_NAME_CHARS code points of four UTF-8 bytes each, every byte written as `%XX`.
 */
export const MAX_PATH_PARAM_CHARS = MAX_NAME_CHARS * 4 * 3;

/**
 * Why a string may not enter the service, or null. U+0000 is refused because PostgreSQL's text
 * columns cannot hold it (SQLite can), and a lone surrogate because it is not Unicode text: it
 * has no UTF-8 encoding, so its bytes, its hash and its canonical JSON would depend on who
 * replaced it with what. Both are refused on both databases, in every body, path and query.
 */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) {
    return 'contains U+0000 (NUL), which the service does not store';
  }
  if (!value.isWellFormed()) {
    return 'contains a lone UTF-16 surrogate, which is not Unicode text';
  }
  return null;
}

/**
 * The first string (key or value) in `value` that breaks a text rule, as a JSON-pointer-like
 * path and the reason; null when all are fine. Iterative, so no nesting can overflow the stack.
 */
export function firstTextProblem(value: unknown): { at: string; problem: string } | null {
  const stack: { at: string; value: unknown }[] = [{ at: '', value }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { at, value: v } = next;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem !== null) {
        return { at: at === '' ? '/' : at, problem };
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ at: `${at}/${i}`, value: item }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const keyProblem = textProblem(key);
        if (keyProblem !== null) {
          return { at: at === '' ? '/' : at, problem: `a member name ${keyProblem}` };
        }
        stack.push({ at: `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: item });
      }
    }
  }
  return null;
}
