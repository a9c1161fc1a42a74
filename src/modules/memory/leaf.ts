import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Leaf encoding of the memory log (see docs/memory-log.md, "Leaf encoding").
 * Anything changed here changes every leaf hash, so clients in other languages
 * must be able to follow this file byte for byte: keep it boring.
 */

export const CONTENT_TYPE = 'application/json';
export const LEAF_VERSION = 1;

/** Thrown for values that have no RFC 8785 canonical form. `path` points at the offending value. */
export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`Cannot canonicalize value at ${path}: ${message}`);
    this.name = 'CanonicalJsonError';
  }
}

// In a `u` regex a valid surrogate pair is one code point, so this only matches lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

function checkString(value: string, path: string, what: string): void {
  if (LONE_SURROGATE.test(value)) {
    // RFC 8785 requires I-JSON input (RFC 7493 §2.1); a lone surrogate has no UTF-8 encoding,
    // so other implementations would disagree on the bytes.
    throw new CanonicalJsonError(`${what} contains a lone UTF-16 surrogate`, path);
  }
}

/**
 * The deepest nesting a value may have (objects and arrays, toJSON results included). The HTTP
 * edge refuses deeper JSON at parse time (PHOENIX_MAX_JSON_DEPTH, 64 by default); this bound
 * only keeps the recursive checks below and the library's own recursion off the stack's end,
 * whoever calls them.
 */
export const MAX_NESTING = 1000;

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * canonicalize silently emits invalid JSON for some inputs (a function inside an object becomes
 * the text `undefined`) and overflows the stack on cycles, so the value is checked first.
 * The walk mirrors canonicalize's own traversal, including its use of toJSON.
 */
function assertCanonicalizable(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      checkString(value, path, 'string');
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(`${String(value)} is not a JSON number`, path);
      }
      return;
    case 'boolean':
      return;
    case 'undefined':
      // Inside arrays and objects undefined follows JSON.stringify (null / omitted);
      // only a bare undefined has no JSON text at all.
      if (ancestors.size === 0) {
        throw new CanonicalJsonError('undefined is not a JSON value', path);
      }
      return;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new CanonicalJsonError(`a ${typeof value} is not a JSON value`, path);
    case 'object':
      break;
  }
  if (value === null) {
    return;
  }
  if (ancestors.has(value)) {
    throw new CanonicalJsonError('circular reference', path);
  }
  if (ancestors.size >= MAX_NESTING) {
    throw new CanonicalJsonError(`nested deeper than ${MAX_NESTING} levels`, '$');
  }
  if (hasToJson(value)) {
    ancestors.add(value);
    assertCanonicalizable(value.toJSON(), path, ancestors);
    ancestors.delete(value);
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertCanonicalizable(item, `${path}[${i}]`, ancestors));
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const childPath = `${path}[${JSON.stringify(key)}]`;
      checkString(key, childPath, 'property name');
      assertCanonicalizable(record[key], childPath, ancestors);
    }
  }
  ancestors.delete(value);
}

/** A value with no canonical form: assertCanonicalizable says which and where. */
const NOT_JSON = Symbol('not JSON');
/** Valid, but JSON.stringify could write it otherwise than canonicalize (see below). */
const UNUSUAL = Symbol('unusual');
/** Deeper values (or a cycle) take the library's path, whose check names a cycle. */
const MAX_FAST_DEPTH = 512;
/** Keys V8 enumerates before the others, in numeric order, whatever the insertion order. */
const INDEX_LIKE = /^\d+$/;
/**
 * JSON.stringify writes a lone surrogate as a `\udxxx` escape, and nothing else so (a
 * well-formed pair stays literal; a backslash of the text is written `\\`).
 */
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f]/;

/**
 * The fast path of canonicalJson, for plain JSON (what JSON.parse returns): a copy of the value
 * with every object's keys in RFC 8785 order, checked on the way, for JSON.stringify (native,
 * several times faster than canonicalize) to write the canonical text. For such values both
 * write the same bytes: canonicalize writes strings, numbers and literals with JSON.stringify
 * itself, with the same separators and the same handling of undefined inside containers.
 * Anything else is UNUSUAL and takes the library's path: toJSON, objects that are not plain,
 * sparse arrays (canonicalize drops their holes), keys that look like array indices (V8 would
 * enumerate them first). Lone surrogates are looked for in the text written (see above).
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_JSON;
    case 'undefined':
      return depth > 0 ? value : NOT_JSON;
    case 'bigint':
    case 'function':
    case 'symbol':
      return NOT_JSON;
    case 'object':
      break;
  }
  if (value === null) {
    return value;
  }
  if (depth >= MAX_FAST_DEPTH || hasToJson(value)) {
    return UNUSUAL;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) {
      if (!(i in value)) {
        return UNUSUAL;
      }
      const item = sortedCopy(value[i], depth + 1);
      if (item === NOT_JSON || item === UNUSUAL) {
        return item;
      }
      copy[i] = item;
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return UNUSUAL;
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  // Array#sort's default order compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  for (const key of Object.keys(record).sort()) {
    if (INDEX_LIKE.test(key)) {
      return UNUSUAL;
    }
    const item = sortedCopy(record[key], depth + 1);
    if (item === NOT_JSON || item === UNUSUAL) {
      return item;
    }
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: item, enumerable: true });
    } else {
      copy[key] = item;
    }
  }
  return copy;
}

/**
 * RFC 8785 (JCS) canonical JSON text: object keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number formatting (so -0 → 0, 1e21 → 1e+21), JSON.stringify string escaping.
 * Throws CanonicalJsonError for values with no canonical form (undefined, NaN, ±Infinity,
 * bigint, functions, symbols, cycles, lone surrogates, nesting deeper than MAX_NESTING).
 */
export function canonicalJson(value: unknown): string {
  const copy = sortedCopy(value, 0);
  if (copy !== NOT_JSON && copy !== UNUSUAL) {
    const text = JSON.stringify(copy);
    if (!text.includes('\\ud') || !LONE_SURROGATE_ESCAPE.test(text)) {
      return text;
    }
  }
  // The library's path, for unusual values, and to name the problem of invalid ones.
  assertCanonicalizable(value, '$', new Set());
  if (copy !== UNUSUAL) {
    // Unreachable while the two checks agree; never write a value one of them refused.
    throw new CanonicalJsonError('value has no canonical JSON form', '$');
  }
  const text = canonicalize(value);
  if (text === undefined) {
    // Unreachable after the check above; kept so a library change cannot yield a silent undefined.
    throw new CanonicalJsonError('value has no JSON representation', '$');
  }
  return text;
}

export interface ContentDigest {
  /** The canonical JSON text that was hashed. */
  canonical: string;
  /** UTF-8 byte length of `canonical`. */
  sizeBytes: number;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `canonical`. */
  sha256: string;
}

export function contentSha256(content: unknown): ContentDigest {
  const canonical = canonicalJson(content);
  const bytes = Buffer.from(canonical, 'utf8');
  return {
    canonical,
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export interface LeafFields {
  id: string;
  kind: string;
  contentType: string;
  contentSha256: string;
  tags: string[];
  /** ISO 8601 UTC with milliseconds, e.g. 2026-11-27T15:05:55.123Z (Date#toISOString). */
  createdAt: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`Leaf field ${name} must be a non-empty string`);
  }
  return value;
}

/**
 * The bytes whose RFC 9162 leaf hash (SHA-256(0x00 ‖ input)) is stored in the log.
 * Tags are sorted (a copy; the caller's array is untouched) by UTF-16 code unit order, the same
 * order RFC 8785 uses for keys, i.e. Array#sort's default. They are NOT de-duplicated here:
 * the API layer owns that policy, and silently changing the list would hide its mistakes.
 * Formats are checked because a leaf cannot be fixed once appended.
 */
export function leafInput(fields: LeafFields): Buffer {
  const contentSha = requireString(fields.contentSha256, 'contentSha256');
  if (!SHA256_HEX.test(contentSha)) {
    throw new TypeError('Leaf field contentSha256 must be 64 lowercase hex characters');
  }
  const createdAt = requireString(fields.createdAt, 'createdAt');
  if (!ISO_UTC_MILLIS.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    throw new TypeError(
      `Leaf field createdAt must be ISO 8601 UTC with milliseconds, got ${JSON.stringify(createdAt)}`,
    );
  }
  if (!Array.isArray(fields.tags) || !fields.tags.every((t) => typeof t === 'string')) {
    throw new TypeError('Leaf field tags must be an array of strings');
  }
  const leaf = {
    v: LEAF_VERSION,
    id: requireString(fields.id, 'id'),
    kind: requireString(fields.kind, 'kind'),
    contentType: requireString(fields.contentType, 'contentType'),
    contentSha256: contentSha,
    tags: [...fields.tags].sort(),
    createdAt,
  };
  return Buffer.from(canonicalJson(leaf), 'utf8');
}
