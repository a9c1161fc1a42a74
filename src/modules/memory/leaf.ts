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

/**
 * RFC 8785 (JCS) canonical JSON text: object keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number formatting (so -0 → 0, 1e21 → 1e+21), JSON.stringify string escaping.
 * Throws CanonicalJsonError for values with no canonical form (undefined, NaN, ±Infinity,
 * bigint, functions, symbols, cycles, lone surrogates).
 */
export function canonicalJson(value: unknown): string {
  assertCanonicalizable(value, '$', new Set());
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
