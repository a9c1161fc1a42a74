import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1.1 hashing with SHA-256. The one-byte prefixes keep a leaf hash from ever
 * colliding with an interior node hash (second-preimage resistance), so they must never change.
 *
 * Clients import this file through verifier.ts: it must depend on node:crypto only.
 */

export const HASH_SIZE = 32;
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256(""): the root of the empty tree. Do not mutate; copy before handing out. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** MTH({d}) = SHA-256(0x00 ‖ d). */
export function hashLeaf(input: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(LEAF_PREFIX)).update(input).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Uint8Array.of(NODE_PREFIX))
    .update(left)
    .update(right)
    .digest();
}

/** True for a 32-byte Uint8Array (Buffer included); anything else cannot be a SHA-256 hash. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}
