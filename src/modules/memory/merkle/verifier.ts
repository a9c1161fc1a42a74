import { EMPTY_ROOT, HASH_SIZE, hashChildren, isHash } from './hash';

/**
 * Client-side RFC 9162 proof verification (§2.1.3.2 inclusion, §2.1.4.2 consistency).
 *
 * Clients copy or import this file, so it depends on hash.ts (node:crypto) only and re-checks
 * every input at runtime: proofs arrive as untrusted JSON, not as typed values.
 */

export type ProofErrorCode =
  /** A size or index is not a safe integer, or they are inconsistent with each other. */
  | 'INVALID_ARGUMENT'
  /** A leaf hash, root or proof element is not 32 bytes. */
  | 'BAD_HASH'
  /** The proof has the wrong number of elements for the given sizes. */
  | 'WRONG_PROOF_LENGTH'
  /** Well-formed proof whose hashes do not lead to the given root(s). */
  | 'ROOT_MISMATCH';

export class ProofError extends Error {
  constructor(
    readonly code: ProofErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProofError';
  }
}

export interface InclusionProof {
  leafHash: Uint8Array;
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes, bottom-up, as produced by RFC 9162 PATH. */
  proof: readonly Uint8Array[];
}

export interface InclusionClaim extends InclusionProof {
  rootHash: Uint8Array;
}

export interface ConsistencyClaim {
  size1: number;
  size2: number;
  proof: readonly Uint8Array[];
  root1: Uint8Array;
  root2: Uint8Array;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function checkCount(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ProofError(
      'INVALID_ARGUMENT',
      `${name} must be a safe integer >= ${min}, got ${String(value)}`,
    );
  }
}

function checkHash(name: string, value: unknown): asserts value is Uint8Array {
  if (!isHash(value)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new ProofError('BAD_HASH', `${name} must be a ${HASH_SIZE}-byte hash, got ${got}`);
  }
}

function checkProofShape(proof: unknown, expected: number): asserts proof is Uint8Array[] {
  if (!Array.isArray(proof)) {
    throw new ProofError('WRONG_PROOF_LENGTH', 'proof must be an array of hashes');
  }
  proof.forEach((p, i) => checkHash(`proof[${i}]`, p));
  if (proof.length !== expected) {
    throw new ProofError(
      'WRONG_PROOF_LENGTH',
      `proof has ${proof.length} element(s), expected exactly ${expected}`,
    );
  }
}

function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/**
 * The fn/sn walk shared by §2.1.3.2 step 4 and §2.1.4.2 step 6: calls `step(isLeftSibling)` per
 * proof element and returns the element count. Running it without a callback gives the exact
 * proof length, so length errors can be reported before any hashing.
 */
function walk(fn: number, sn: number, step?: (siblingIsLeft: boolean) => void): number {
  let count = 0;
  while (sn !== 0) {
    if (isOdd(fn) || fn === sn) {
      step?.(true);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      step?.(false);
    }
    fn = half(fn);
    sn = half(sn);
    count++;
  }
  return count;
}

/** Root implied by an inclusion proof (RFC 9162 §2.1.3.2). Throws ProofError on malformed input. */
export function rootFromInclusionProof(input: InclusionProof): Buffer {
  const { leafHash, leafIndex, treeSize, proof } = input;
  checkCount('treeSize', treeSize, 1);
  checkCount('leafIndex', leafIndex, 0);
  if (leafIndex >= treeSize) {
    throw new ProofError(
      'INVALID_ARGUMENT',
      `leafIndex ${leafIndex} is not in a tree of size ${treeSize}`,
    );
  }
  checkHash('leafHash', leafHash);
  checkProofShape(proof, walk(leafIndex, treeSize - 1));
  let r: Buffer = Buffer.from(leafHash);
  let i = 0;
  walk(leafIndex, treeSize - 1, (siblingIsLeft) => {
    const p = proof[i++];
    r = siblingIsLeft ? hashChildren(p, r) : hashChildren(r, p);
  });
  return r;
}

/** Throws ProofError (with a reason) unless the proof shows leafHash at leafIndex under rootHash. */
export function checkInclusion(claim: InclusionClaim): void {
  checkHash('rootHash', claim.rootHash);
  const computed = rootFromInclusionProof(claim);
  if (!equalHashes(computed, claim.rootHash)) {
    throw new ProofError(
      'ROOT_MISMATCH',
      `inclusion proof leads to root ${computed.toString('hex')}, not the given root`,
    );
  }
}

/** Boolean form of checkInclusion: every ProofError becomes false. */
export function verifyInclusion(claim: InclusionClaim): boolean {
  return asBoolean(() => checkInclusion(claim));
}

function isPowerOfTwo(x: number): boolean {
  let rest = x;
  while (rest > 1 && rest % 2 === 0) {
    rest /= 2;
  }
  return rest === 1;
}

/**
 * Throws ProofError unless the proof shows the tree of size2 with root2 extends the tree of
 * size1 with root1 (RFC 9162 §2.1.4.2). The RFC defines no proof when size1 is 0 or equals
 * size2: then the proof must be empty, and root1 must be MTH({}) or equal root2 respectively.
 */
export function checkConsistency(claim: ConsistencyClaim): void {
  const { size1, size2, proof, root1, root2 } = claim;
  checkCount('size1', size1, 0);
  checkCount('size2', size2, 0);
  if (size1 > size2) {
    throw new ProofError('INVALID_ARGUMENT', `size1 ${size1} is larger than size2 ${size2}`);
  }
  checkHash('root1', root1);
  checkHash('root2', root2);
  if (size1 === 0 || size1 === size2) {
    checkProofShape(proof, 0);
    if (size1 === 0 && !equalHashes(root1, EMPTY_ROOT)) {
      throw new ProofError('ROOT_MISMATCH', 'root1 is not the root of the empty tree');
    }
    if (size1 === size2 && !equalHashes(root1, root2)) {
      throw new ProofError('ROOT_MISMATCH', 'trees of equal size have different roots');
    }
    return;
  }
  // Step 2: when size1 is a power of two, the old root is itself a node of the new tree, so
  // the proof omits it and the verifier supplies it.
  const implicitRoot1 = isPowerOfTwo(size1);
  // Step 4: skip the levels where the old tree's last subtree is a right child of a complete one.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  checkProofShape(proof, walk(fn, sn) + (implicitRoot1 ? 0 : 1));
  const path = implicitRoot1 ? [root1, ...proof] : proof;
  let fr: Buffer = Buffer.from(path[0]);
  let sr = fr;
  let i = 1;
  walk(fn, sn, (siblingIsLeft) => {
    const c = path[i++];
    if (siblingIsLeft) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
    } else {
      sr = hashChildren(sr, c);
    }
  });
  if (!equalHashes(fr, root1)) {
    throw new ProofError('ROOT_MISMATCH', 'consistency proof does not lead to root1');
  }
  if (!equalHashes(sr, root2)) {
    throw new ProofError('ROOT_MISMATCH', 'consistency proof does not lead to root2');
  }
}

/** Boolean form of checkConsistency: every ProofError becomes false. */
export function verifyConsistency(claim: ConsistencyClaim): boolean {
  return asBoolean(() => checkConsistency(claim));
}

function asBoolean(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof ProofError) {
      return false;
    }
    throw error;
  }
}
