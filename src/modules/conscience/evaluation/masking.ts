export const MASKED = '[masked]';

/**
 * A copy of `document` in which the value at each JSON Pointer (RFC 6901) is replaced by
 * "[masked]". A `*` segment matches every member of an object or array. Pointers that lead
 * nowhere are ignored; the input is not modified.
 */
export function applyMask<T extends object>(document: T, pointers: readonly string[]): T {
  const copy = structuredClone(document);
  for (const pointer of pointers) {
    const segments = parsePointer(pointer);
    if (segments.length > 0) {
      maskAt(copy, segments);
    }
  }
  return copy;
}

/** RFC 6901: "/a~1b/c~0d" → ["a/b", "c~d"]; "" (the whole document) → []. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new SyntaxError(`a JSON Pointer starts with "/": ${JSON.stringify(pointer)}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function maskAt(node: unknown, segments: readonly string[]): void {
  if (node === null || typeof node !== 'object') {
    return;
  }
  const [head, ...rest] = segments;
  const container = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(container) : Object.hasOwn(container, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length === 0) {
      container[key] = MASKED;
    } else {
      maskAt(container[key], rest);
    }
  }
}
