export const MASKED = '[masked]';

/** RFC 6901 array index: `0`, or digits without a leading zero. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Parsed pointers per mask list: an axiom set's mask is parsed once, not per evaluation. */
const parsedMasks = new WeakMap<readonly string[], string[][]>();

/**
 * `document` with the value at each JSON Pointer (RFC 6901) replaced by "[masked]", the input
 * left unmodified. A `*` segment matches every member of an object or array; an array matches
 * only index segments. Pointers that lead nowhere are ignored. Only the objects and arrays on
 * the way to a masked value are copied; the rest is shared with the input (and with an empty
 * mask the result is `document` itself), so callers must not write to either.
 */
export function applyMask<T extends object>(document: T, pointers: readonly string[]): T {
  let parsed = parsedMasks.get(pointers);
  if (!parsed) {
    parsed = pointers.map(parsePointer).filter((segments) => segments.length > 0);
    parsedMasks.set(pointers, parsed);
  }
  let masked: unknown = document;
  for (const segments of parsed) {
    masked = maskedCopy(masked, segments, 0);
  }
  return masked as T;
}

/**
 * Most segments a mask pointer may have: docs/axioms.schema.json caps a pointer at 512
 * characters, so no valid mask comes near; it bounds maskedCopy's recursion for any caller.
 */
export const MAX_POINTER_SEGMENTS = 256;

/** RFC 6901: "/a~1b/c~0d" → ["a/b", "c~d"]; "" (the whole document) → []. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new SyntaxError(`a JSON Pointer starts with "/": ${JSON.stringify(pointer)}`);
  }
  const segments = pointer.slice(1).split('/', MAX_POINTER_SEGMENTS + 1);
  if (segments.length > MAX_POINTER_SEGMENTS) {
    throw new SyntaxError(`a mask pointer has at most ${MAX_POINTER_SEGMENTS} segments`);
  }
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function maskedCopy(node: unknown, segments: readonly string[], depth: number): unknown {
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const head = segments[depth];
  const container = node as Record<string, unknown>;
  const keys =
    head === '*'
      ? Object.keys(container)
      : Object.hasOwn(container, head) && (!Array.isArray(node) || ARRAY_INDEX.test(head))
        ? [head]
        : [];
  if (keys.length === 0) {
    return node;
  }
  // slice() keeps an array's holes; spread copies own enumerable members (`__proto__` included).
  const copy = (Array.isArray(node) ? node.slice() : { ...container }) as Record<string, unknown>;
  const last = depth === segments.length - 1;
  for (const key of keys) {
    copy[key] = last ? MASKED : maskedCopy(container[key], segments, depth + 1);
  }
  return copy;
}
