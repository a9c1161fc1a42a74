import { EMPTY_ROOT, hashChildren, isHash } from './hash';

/** Serialized accumulator: `hashes` are lowercase hex, largest subtree first. */
export interface RootAccumulatorState {
  size: number;
  hashes: string[];
}

const HEX_HASH = /^[0-9a-f]{64}$/;

function popcount(x: number): number {
  let count = 0;
  for (let rest = x; rest > 0; rest = Math.floor(rest / 2)) {
    count += rest % 2;
  }
  return count;
}

/**
 * Streaming RFC 9162 root over leaf hashes in O(log n) memory: keeps only the hashes of the
 * complete subtrees that tile [0, size) (one per 1-bit of size, largest first), i.e. the same
 * nodes as rootPlan(size). That lets a verification job recompute the root of a huge log from
 * a cursor, and resume from a saved state or from the stored nodes instead of from leaf 0.
 */
export class RootAccumulator {
  private readonly stack: Buffer[];
  private count: number;

  constructor() {
    this.stack = [];
    this.count = 0;
  }

  /**
   * Resume at `size` from the hashes of the complete subtrees of [0, size), largest first
   * (e.g. the stored nodes named by rootPlan(size)). Throws RangeError on a mismatched list.
   */
  static fromSubtrees(size: number, hashes: readonly Uint8Array[]): RootAccumulator {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`size must be a safe integer >= 0, got ${String(size)}`);
    }
    if (!Array.isArray(hashes) || hashes.length !== popcount(size)) {
      throw new RangeError(`a tree of size ${size} has exactly ${popcount(size)} subtree hashes`);
    }
    if (!hashes.every(isHash)) {
      throw new RangeError('every subtree hash must be 32 bytes');
    }
    const acc = new RootAccumulator();
    acc.stack.push(...hashes.map((h) => Buffer.from(h)));
    acc.count = size;
    return acc;
  }

  /** Inverse of toJSON; validates everything because the state may come from storage. */
  static fromJSON(state: RootAccumulatorState): RootAccumulator {
    const hashes: unknown = state?.hashes;
    if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string' && HEX_HASH.test(h))) {
      throw new RangeError('hashes must be an array of 64-character lowercase hex strings');
    }
    return RootAccumulator.fromSubtrees(
      state.size,
      hashes.map((h: string) => Buffer.from(h, 'hex')),
    );
  }

  get size(): number {
    return this.count;
  }

  /** Appends the next leaf hash (already hashed with hashLeaf). */
  push(leafHash: Uint8Array): void {
    if (!isHash(leafHash)) {
      throw new RangeError('leafHash must be a 32-byte hash');
    }
    if (this.count >= Number.MAX_SAFE_INTEGER) {
      throw new RangeError('the tree cannot grow beyond Number.MAX_SAFE_INTEGER leaves');
    }
    // Each trailing 1-bit of the old size is a complete subtree that the new leaf's subtree
    // now completes into its parent, exactly like a binary increment's carry.
    let hash: Buffer = Buffer.from(leafHash);
    for (let carry = this.count; carry % 2 === 1; carry = (carry - 1) / 2) {
      const left = this.stack.pop();
      if (left === undefined) {
        throw new Error('RootAccumulator invariant broken: fewer subtrees than 1-bits of size');
      }
      hash = hashChildren(left, hash);
    }
    this.stack.push(hash);
    this.count += 1;
  }

  /** MTH(D[0:size]); EMPTY_ROOT when nothing was pushed. */
  root(): Buffer {
    if (this.stack.length === 0) {
      return Buffer.from(EMPTY_ROOT);
    }
    let acc = this.stack[this.stack.length - 1];
    for (let i = this.stack.length - 2; i >= 0; i--) {
      acc = hashChildren(this.stack[i], acc);
    }
    return Buffer.from(acc);
  }

  /** Copies of the complete subtree hashes of [0, size), largest first. */
  subtrees(): Buffer[] {
    return this.stack.map((h) => Buffer.from(h));
  }

  toJSON(): RootAccumulatorState {
    return { size: this.count, hashes: this.stack.map((h) => h.toString('hex')) };
  }
}
