import * as fs from 'node:fs';
import * as path from 'node:path';
import { RFC6962_VECTORS_DIR as VECTORS_DIR } from '../../../../test/fixtures/rfc6962';
import { EMPTY_ROOT, hashLeaf } from './hash';
import {
  appendNodes,
  consistencyPlan,
  inclusionPlan,
  nodeKey,
  resolve,
  resolveRoot,
  rootPlan,
} from './tree';
import {
  ProofError,
  checkConsistency,
  checkInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verifier';

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

/** Relative paths of every JSON file below `sub`; throws (failing the suite) if it is missing. */
function vectorFiles(sub: string): string[] {
  const dir = path.join(VECTORS_DIR, sub);
  if (!fs.existsSync(dir)) {
    throw new Error(`Conformance vectors not found at ${dir}`);
  }
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return files.filter((f) => f.endsWith('.json')).sort();
}

function readVector<T>(sub: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, sub, file), 'utf8')) as T;
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

function inclusionClaim(v: InclusionVector) {
  return {
    leafHash: b64(v.leafHash),
    leafIndex: v.leafIdx,
    treeSize: v.treeSize,
    // The vectors come from Go, where an empty slice is serialized as null.
    proof: (v.proof ?? []).map(b64),
    rootHash: b64(v.root),
  };
}

function consistencyClaim(v: ConsistencyVector) {
  return {
    size1: v.size1,
    size2: v.size2,
    proof: (v.proof ?? []).map(b64),
    root1: b64(v.root1),
    root2: b64(v.root2),
  };
}

const inclusionFiles = vectorFiles('inclusion');
const consistencyFiles = vectorFiles('consistency');

const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
const store = new Map<string, Buffer>();
leaves.forEach((leafHash, i) => {
  for (const node of appendNodes(i, leafHash, (n) => store.get(nodeKey(n)))) {
    store.set(nodeKey(node), node.hash);
  }
});
const lookup = (n: { level: number; index: number }): Buffer | undefined => store.get(nodeKey(n));
const rootOf = (size: number): Buffer => resolveRoot(rootPlan(size), lookup);

function flipBit(hash: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

describe('RFC 6962 conformance vectors', () => {
  it('should find the vectors directory with both proof kinds', () => {
    expect(fs.existsSync(VECTORS_DIR)).toBe(true);
    expect(inclusionFiles.length).toBeGreaterThanOrEqual(80);
    expect(consistencyFiles.length).toBeGreaterThanOrEqual(60);
  });

  describe(verifyInclusion.name, () => {
    it.each(inclusionFiles)('should give the expected verdict for inclusion/%s', (file) => {
      const vector = readVector<InclusionVector>('inclusion', file);
      const claim = inclusionClaim(vector);
      expect(verifyInclusion(claim)).toBe(!vector.wantErr);
      if (vector.wantErr) {
        expect(() => checkInclusion(claim)).toThrow(ProofError);
      } else {
        expect(() => checkInclusion(claim)).not.toThrow();
      }
    });
  });

  describe(verifyConsistency.name, () => {
    it.each(consistencyFiles)('should give the expected verdict for consistency/%s', (file) => {
      const vector = readVector<ConsistencyVector>('consistency', file);
      const claim = consistencyClaim(vector);
      expect(verifyConsistency(claim)).toBe(!vector.wantErr);
      if (vector.wantErr) {
        expect(() => checkConsistency(claim)).toThrow(ProofError);
      } else {
        expect(() => checkConsistency(claim)).not.toThrow();
      }
    });
  });

  it('should generate the same proofs as the happy-path vectors of the reference tree', () => {
    const reference = JSON.parse(
      fs.readFileSync(path.join(VECTORS_DIR, 'reference-tree.json'), 'utf8'),
    ) as { leafInputs: string[] };
    const refStore = new Map<string, Buffer>();
    reference.leafInputs.forEach((input, i) => {
      const leafHash = hashLeaf(Buffer.from(input, 'hex'));
      for (const node of appendNodes(i, leafHash, (n) => refStore.get(nodeKey(n)))) {
        refStore.set(nodeKey(node), node.hash);
      }
    });
    const refLookup = (n: { level: number; index: number }) => refStore.get(nodeKey(n));
    const b64s = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));
    let compared = 0;
    for (const file of inclusionFiles.filter((f) => f.endsWith('happy-path.json'))) {
      const v = readVector<InclusionVector>('inclusion', file);
      if (v.treeSize <= reference.leafInputs.length) {
        expect(b64s(resolve(inclusionPlan(v.leafIdx, v.treeSize), refLookup))).toEqual(
          v.proof ?? [],
        );
        compared++;
      }
    }
    for (const file of consistencyFiles.filter((f) => f.endsWith('happy-path.json'))) {
      const v = readVector<ConsistencyVector>('consistency', file);
      expect(b64s(resolve(consistencyPlan(v.size1, v.size2), refLookup))).toEqual(v.proof ?? []);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });
});

describe(checkInclusion.name, () => {
  const claimFor = (leafIndex: number, treeSize: number) => ({
    leafHash: leaves[leafIndex],
    leafIndex,
    treeSize,
    proof: resolve(inclusionPlan(leafIndex, treeSize), lookup),
    rootHash: rootOf(treeSize),
  });

  it('should return the root from rootFromInclusionProof', () => {
    const claim = claimFor(5, 13);
    expect(rootFromInclusionProof(claim).equals(claim.rootHash)).toBe(true);
  });

  it.each([1, 2, 3, 5, 7, 8, 13, 16, 31, 64, 70])(
    'should reject any flipped bit in the proof, leaf, index or root for size %i',
    (treeSize) => {
      for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
        const claim = claimFor(leafIndex, treeSize);
        expect(verifyInclusion(claim)).toBe(true);
        for (const bit of [0, 131, 255]) {
          claim.proof.forEach((_, j) => {
            const proof = claim.proof.map((p, k) => (k === j ? flipBit(p, bit) : p));
            expect(verifyInclusion({ ...claim, proof })).toBe(false);
          });
          expect(verifyInclusion({ ...claim, leafHash: flipBit(claim.leafHash, bit) })).toBe(false);
          expect(verifyInclusion({ ...claim, rootHash: flipBit(claim.rootHash, bit) })).toBe(false);
        }
        for (let b = 1; b <= 2 * treeSize; b *= 2) {
          expect(verifyInclusion({ ...claim, leafIndex: leafIndex ^ b })).toBe(false);
        }
      }
    },
  );

  it('should explain why a proof is rejected', () => {
    const claim = claimFor(3, 10);
    const reject = (patch: object) => {
      try {
        checkInclusion({ ...claim, ...patch });
      } catch (error) {
        return error instanceof ProofError ? `${error.code}: ${error.message}` : 'other error';
      }
      return 'accepted';
    };
    expect(reject({})).toBe('accepted');
    expect(reject({ leafIndex: 10 })).toMatch(/^INVALID_ARGUMENT: leafIndex 10 is not in a tree/);
    expect(reject({ treeSize: 0 })).toMatch(/^INVALID_ARGUMENT: treeSize must be/);
    expect(reject({ leafIndex: -1 })).toMatch(/^INVALID_ARGUMENT/);
    expect(reject({ leafIndex: 2 ** 64 - 1 })).toMatch(/^INVALID_ARGUMENT/);
    expect(reject({ leafIndex: '3' })).toMatch(/^INVALID_ARGUMENT/);
    expect(reject({ leafHash: Buffer.alloc(31) })).toMatch(/^BAD_HASH: leafHash .* 31 bytes/);
    expect(reject({ rootHash: 'ab' })).toMatch(/^BAD_HASH: rootHash/);
    expect(reject({ proof: [...claim.proof.slice(0, 2), Buffer.alloc(33)] })).toMatch(
      /^BAD_HASH: proof\[2\]/,
    );
    expect(reject({ proof: claim.proof.slice(1) })).toMatch(
      /^WRONG_PROOF_LENGTH: proof has 3 element\(s\), expected exactly 4/,
    );
    expect(reject({ proof: [...claim.proof, EMPTY_ROOT] })).toMatch(/^WRONG_PROOF_LENGTH/);
    expect(reject({ proof: null })).toMatch(/^WRONG_PROOF_LENGTH: proof must be an array/);
    expect(reject({ rootHash: EMPTY_ROOT })).toMatch(/^ROOT_MISMATCH/);
  });
});

describe(checkConsistency.name, () => {
  const claimFor = (size1: number, size2: number) => ({
    size1,
    size2,
    proof: resolve(consistencyPlan(size1, size2), lookup),
    root1: rootOf(size1),
    root2: rootOf(size2),
  });

  it.each([2, 3, 4, 5, 8, 9, 13, 16, 31, 33, 70])(
    'should reject any flipped bit in the proof, roots or size1 for size2 %i',
    (size2) => {
      for (let size1 = 1; size1 < size2; size1++) {
        const claim = claimFor(size1, size2);
        expect(verifyConsistency(claim)).toBe(true);
        for (const bit of [0, 131, 255]) {
          claim.proof.forEach((_, j) => {
            const proof = claim.proof.map((p, k) => (k === j ? flipBit(p, bit) : p));
            expect(verifyConsistency({ ...claim, proof })).toBe(false);
          });
          expect(verifyConsistency({ ...claim, root1: flipBit(claim.root1, bit) })).toBe(false);
          expect(verifyConsistency({ ...claim, root2: flipBit(claim.root2, bit) })).toBe(false);
        }
        for (let b = 1; b <= 2 * size2; b *= 2) {
          expect(verifyConsistency({ ...claim, size1: size1 ^ b })).toBe(false);
        }
      }
    },
  );

  it('should accept only an empty proof and the empty root from size 0', () => {
    const root2 = rootOf(9);
    expect(verifyConsistency({ size1: 0, size2: 9, proof: [], root1: EMPTY_ROOT, root2 })).toBe(
      true,
    );
    expect(
      verifyConsistency({ size1: 0, size2: 0, proof: [], root1: EMPTY_ROOT, root2: EMPTY_ROOT }),
    ).toBe(true);
    expect(
      verifyConsistency({ size1: 0, size2: 9, proof: [root2], root1: EMPTY_ROOT, root2 }),
    ).toBe(false);
    expect(verifyConsistency({ size1: 0, size2: 9, proof: [], root1: root2, root2 })).toBe(false);
  });

  it('should accept only an empty proof and identical roots for equal sizes', () => {
    const root = rootOf(12);
    expect(verifyConsistency({ size1: 12, size2: 12, proof: [], root1: root, root2: root })).toBe(
      true,
    );
    expect(
      verifyConsistency({ size1: 12, size2: 12, proof: [root], root1: root, root2: root }),
    ).toBe(false);
    expect(
      verifyConsistency({ size1: 12, size2: 12, proof: [], root1: root, root2: rootOf(11) }),
    ).toBe(false);
  });

  it('should require the old root to be left out of the proof when size1 is a power of two', () => {
    const claim = claimFor(8, 13);
    expect(verifyConsistency(claim)).toBe(true);
    expect(verifyConsistency({ ...claim, proof: [claim.root1, ...claim.proof] })).toBe(false);
  });

  it('should explain why a proof is rejected', () => {
    const claim = claimFor(6, 21);
    const reject = (patch: object) => {
      try {
        checkConsistency({ ...claim, ...patch });
      } catch (error) {
        return error instanceof ProofError ? `${error.code}: ${error.message}` : 'other error';
      }
      return 'accepted';
    };
    expect(reject({})).toBe('accepted');
    expect(reject({ size1: 22 })).toMatch(/^INVALID_ARGUMENT: size1 22 is larger than size2 21/);
    expect(reject({ size2: 1.5 })).toMatch(/^INVALID_ARGUMENT: size2 must be/);
    expect(reject({ root1: Buffer.alloc(0) })).toMatch(/^BAD_HASH: root1/);
    expect(reject({ proof: [] })).toMatch(/^WRONG_PROOF_LENGTH/);
    expect(reject({ proof: claim.proof.slice(1) })).toMatch(/^WRONG_PROOF_LENGTH/);
    expect(reject({ proof: [...claim.proof, claim.root2] })).toMatch(/^WRONG_PROOF_LENGTH/);
    expect(reject({ root1: claim.root2 })).toMatch(/^ROOT_MISMATCH: .* root1/);
    expect(reject({ root2: claim.root1 })).toMatch(/^ROOT_MISMATCH: .* root2/);
  });
});
