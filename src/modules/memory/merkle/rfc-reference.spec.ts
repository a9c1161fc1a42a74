import { EMPTY_ROOT, hashChildren, hashLeaf } from './hash';
import { RootAccumulator } from './root-accumulator';
import {
  appendNodes,
  consistencyPlan,
  inclusionPlan,
  nodeKey,
  nodeRange,
  resolve,
  resolveRoot,
  rootPlan,
} from './tree';
import { verifyConsistency, verifyInclusion } from './verifier';

/*
 * Property tests against a naive implementation transcribed from RFC 9162 §2.1.1, §2.1.3.1 and
 * §2.1.4.1: recursive, O(n) per call, obviously right, and independent of the code under test.
 */

/** k: the largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  return k;
}

function mth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) {
    return EMPTY_ROOT;
  }
  if (d.length === 1) {
    return d[0];
  }
  const k = split(d.length);
  return hashChildren(mth(d.slice(0, k)), mth(d.slice(k)));
}

function naivePath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) {
    return [];
  }
  const k = split(d.length);
  return m < k
    ? [...naivePath(m, d.slice(0, k)), mth(d.slice(k))]
    : [...naivePath(m - k, d.slice(k)), mth(d.slice(0, k))];
}

function naiveSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) {
    return b ? [] : [mth(d)];
  }
  const k = split(n);
  return m <= k
    ? [...naiveSubproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...naiveSubproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

function naiveProof(m: number, d: readonly Buffer[]): Buffer[] {
  return m === 0 || m === d.length ? [] : naiveSubproof(m, d, true);
}

const MAX_SIZE = 70;
const leaves = Array.from({ length: MAX_SIZE }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
const store = new Map<string, Buffer>();
leaves.forEach((leafHash, i) => {
  for (const node of appendNodes(i, leafHash, (n) => store.get(nodeKey(n)))) {
    store.set(nodeKey(node), node.hash);
  }
});
const lookup = (n: { level: number; index: number }): Buffer | undefined => store.get(nodeKey(n));
const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));
const sizes = Array.from({ length: MAX_SIZE + 1 }, (_, i) => i);
const nonEmptySizes = sizes.slice(1);

describe('appendNodes (against the naive MTH)', () => {
  it('should store MTH of exactly the range each node covers', () => {
    for (const [key, hash] of store) {
      const [level, index] = key.split(':').map(Number);
      const { start, end } = nodeRange({ level, index });
      expect(hash.equals(mth(leaves.slice(start, end)))).toBe(true);
    }
  });
});

describe('rootPlan (against the naive MTH)', () => {
  it.each(sizes)('should match MTH for tree size %i', (size) => {
    expect(resolveRoot(rootPlan(size), lookup).equals(mth(leaves.slice(0, size)))).toBe(true);
  });
});

describe(RootAccumulator.name + ' (against the naive MTH)', () => {
  it('should match MTH after every push', () => {
    const acc = new RootAccumulator();
    expect(acc.root().equals(mth([]))).toBe(true);
    leaves.forEach((leafHash, i) => {
      acc.push(leafHash);
      expect(acc.size).toBe(i + 1);
      expect(acc.root().equals(mth(leaves.slice(0, i + 1)))).toBe(true);
    });
  });
});

describe('inclusionPlan (against the naive PATH)', () => {
  it.each(nonEmptySizes)('should match PATH and verify for every leaf of size %i', (size) => {
    const tree = leaves.slice(0, size);
    const rootHash = mth(tree);
    for (let leafIndex = 0; leafIndex < size; leafIndex++) {
      const proof = resolve(inclusionPlan(leafIndex, size), lookup);
      expect(hex(proof)).toEqual(hex(naivePath(leafIndex, tree)));
      const claim = { leafHash: leaves[leafIndex], leafIndex, treeSize: size, proof, rootHash };
      expect(verifyInclusion(claim)).toBe(true);
    }
  });
});

describe('consistencyPlan (against the naive PROOF)', () => {
  it.each(sizes)('should match PROOF and verify for every size1 <= %i', (size2) => {
    const root2 = mth(leaves.slice(0, size2));
    for (let size1 = 0; size1 <= size2; size1++) {
      const proof = resolve(consistencyPlan(size1, size2), lookup);
      expect(hex(proof)).toEqual(hex(naiveProof(size1, leaves.slice(0, size2))));
      const root1 = mth(leaves.slice(0, size1));
      expect(verifyConsistency({ size1, size2, proof, root1, root2 })).toBe(true);
    }
  });
});
