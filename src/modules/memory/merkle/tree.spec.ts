import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RFC6962_VECTORS_DIR as VECTORS_DIR } from '../../../../test/fixtures/rfc6962';
import { EMPTY_ROOT, hashChildren, hashLeaf } from './hash';
import {
  MissingNodeError,
  NodeId,
  NodeLookup,
  appendNodes,
  appendPlan,
  consistencyPlan,
  inclusionPlan,
  nodeKey,
  nodeRange,
  nodesOf,
  perfectSubtrees,
  resolve,
  resolveRoot,
  rootPlan,
} from './tree';
import { verifyConsistency, verifyInclusion } from './verifier';

interface ReferenceTree {
  leafInputs: string[];
  rootsBySize: string[];
}

/** The service's table, in memory: every complete subtree hash, written through appendNodes. */
function buildStore(leafHashes: readonly Uint8Array[]): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  leafHashes.forEach((leafHash, i) => {
    for (const node of appendNodes(i, leafHash, (id) => store.get(nodeKey(id)))) {
      store.set(nodeKey(node), node.hash);
    }
  });
  return store;
}

const id = (level: number, index: number): NodeId => ({ level, index });

describe('nodeKey', () => {
  it('should give distinct keys to distinct nodes', () => {
    expect(nodeKey(id(1, 23))).not.toBe(nodeKey(id(12, 3)));
    expect(nodeKey(id(0, 5))).toBe(nodeKey({ level: 0, index: 5 }));
  });
});

describe('nodeRange', () => {
  it('should return the leaves a node covers', () => {
    expect(nodeRange(id(0, 5))).toEqual({ start: 5, end: 6 });
    expect(nodeRange(id(3, 2))).toEqual({ start: 16, end: 24 });
  });

  it('should throw a RangeError for nodes outside any safe-size tree', () => {
    expect(() => nodeRange(id(-1, 0))).toThrow(RangeError);
    expect(() => nodeRange(id(0, 1.5))).toThrow(RangeError);
    expect(() => nodeRange(id(53, 1))).toThrow(RangeError);
  });
});

describe('appendPlan', () => {
  it('should ask for one left sibling per trailing 1-bit of the leaf index', () => {
    expect(appendPlan(0)).toEqual([]);
    expect(appendPlan(1)).toEqual([id(0, 0)]);
    expect(appendPlan(6)).toEqual([]);
    expect(appendPlan(7)).toEqual([id(0, 6), id(1, 2), id(2, 0)]);
    expect(appendPlan(11)).toEqual([id(0, 10), id(1, 4)]);
  });

  it('should throw a RangeError for invalid leaf indices', () => {
    for (const bad of [-1, 0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER]) {
      expect(() => appendPlan(bad)).toThrow(RangeError);
    }
  });
});

describe('appendNodes', () => {
  it('should return the leaf and every parent it completes', () => {
    const leaves = [0, 1, 2, 3].map((i) => hashLeaf(Uint8Array.of(i)));
    const store = buildStore(leaves.slice(0, 3));
    const nodes = appendNodes(3, leaves[3], (n) => store.get(nodeKey(n)));
    expect(nodes.map(({ level, index }) => ({ level, index }))).toEqual([
      id(0, 3),
      id(1, 1),
      id(2, 0),
    ]);
    const left = hashChildren(leaves[0], leaves[1]);
    const right = hashChildren(leaves[2], leaves[3]);
    expect(nodes[1].hash.equals(right)).toBe(true);
    expect(nodes[2].hash.equals(hashChildren(left, right))).toBe(true);
  });

  it('should store exactly the complete subtrees', () => {
    const store = buildStore(Array.from({ length: 13 }, (_, i) => hashLeaf(Uint8Array.of(i))));
    // 13 leaves + 6 pairs + 3 quads + 1 octet.
    expect(store.size).toBe(13 + 6 + 3 + 1);
    expect(store.has('3:0')).toBe(true);
    expect(store.has('2:3')).toBe(false);
  });

  it('should throw a MissingNodeError when a sibling is not in the store', () => {
    expect(() => appendNodes(1, hashLeaf(Uint8Array.of(1)), () => undefined)).toThrow(
      MissingNodeError,
    );
  });

  it('should throw a RangeError for a leaf hash that is not 32 bytes', () => {
    expect(() => appendNodes(0, Buffer.alloc(31), () => undefined)).toThrow(RangeError);
  });
});

describe('perfectSubtrees', () => {
  it('should split a right-edge range into complete subtrees, largest first', () => {
    expect(perfectSubtrees(0, 7)).toEqual([id(2, 0), id(1, 2), id(0, 6)]);
    expect(perfectSubtrees(8, 15)).toEqual([id(2, 2), id(1, 6), id(0, 14)]);
    expect(perfectSubtrees(4, 8)).toEqual([id(2, 1)]);
    expect(perfectSubtrees(5, 5)).toEqual([]);
  });

  it('should throw a RangeError for ranges that are not subtrees of an RFC 9162 tree', () => {
    expect(() => perfectSubtrees(3, 5)).toThrow(RangeError);
    expect(() => perfectSubtrees(2, 6)).toThrow(RangeError);
    expect(() => perfectSubtrees(5, 4)).toThrow(RangeError);
    expect(() => perfectSubtrees(-1, 4)).toThrow(RangeError);
  });
});

describe('rootPlan', () => {
  const reference = JSON.parse(
    fs.readFileSync(path.join(VECTORS_DIR, 'reference-tree.json'), 'utf8'),
  ) as ReferenceTree;
  const leafHashes = reference.leafInputs.map((hex) => hashLeaf(Buffer.from(hex, 'hex')));
  const store = buildStore(leafHashes);

  it.each(reference.rootsBySize.map((root, size) => [size, root] as const))(
    'should compute the reference root of size %i from stored nodes',
    (size, root) => {
      const plan = rootPlan(size);
      expect(resolveRoot(plan, (n) => store.get(nodeKey(n))).toString('hex')).toBe(root);
    },
  );

  it('should return a fresh copy of EMPTY_ROOT for the empty tree', () => {
    const root = resolveRoot(rootPlan(0), () => undefined);
    expect(root.equals(EMPTY_ROOT)).toBe(true);
    expect(root).not.toBe(EMPTY_ROOT);
  });

  it('should throw a MissingNodeError when the store is behind', () => {
    expect(() => resolveRoot(rootPlan(9), (n) => store.get(nodeKey(n)))).toThrow(MissingNodeError);
  });
});

describe('inclusionPlan', () => {
  it('should throw a RangeError for invalid arguments', () => {
    expect(() => inclusionPlan(0, 0)).toThrow(RangeError);
    expect(() => inclusionPlan(5, 5)).toThrow(RangeError);
    expect(() => inclusionPlan(-1, 5)).toThrow(RangeError);
    expect(() => inclusionPlan(1.5, 5)).toThrow(RangeError);
    expect(() => inclusionPlan(0, NaN)).toThrow(RangeError);
    expect(() => inclusionPlan(0, 2 ** 53)).toThrow(RangeError);
  });

  it('should need no nodes for a single-leaf tree', () => {
    expect(inclusionPlan(0, 1)).toEqual([]);
  });
});

describe('consistencyPlan', () => {
  it('should be empty from size 0 and between equal sizes', () => {
    expect(consistencyPlan(0, 10)).toEqual([]);
    expect(consistencyPlan(7, 7)).toEqual([]);
    expect(consistencyPlan(0, 0)).toEqual([]);
  });

  it('should throw a RangeError for invalid arguments', () => {
    expect(() => consistencyPlan(6, 5)).toThrow(RangeError);
    expect(() => consistencyPlan(-1, 5)).toThrow(RangeError);
    expect(() => consistencyPlan(1, 5.5)).toThrow(RangeError);
    expect(() => consistencyPlan(1, Infinity)).toThrow(RangeError);
  });
});

describe('nodesOf', () => {
  it('should merge the nodes of several plans without duplicates', () => {
    const nodes = nodesOf(inclusionPlan(6, 7), rootPlan(7));
    const keys = nodes.map(nodeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['0:6', '1:2', '2:0'].sort());
  });
});

describe('plan size (the O(log n) guarantee)', () => {
  const fakeHash = (n: NodeId): Buffer => createHash('sha256').update(nodeKey(n)).digest();

  function countLookups(run: (lookup: NodeLookup) => void): number {
    const seen = new Set<string>();
    run((n) => {
      seen.add(nodeKey(n));
      return fakeHash(n);
    });
    return seen.size;
  }

  /** Deterministic spread of values in [0, n), plus the edges where bugs hide. */
  function samples(n: number, count: number): number[] {
    const picks = [0, 1, 2, n - 2, n - 1, 2 ** 20 - 1, 2 ** 20, 2 ** 19 + 1].filter(
      (x) => x >= 0 && x < n,
    );
    let state = 12345;
    for (let i = 0; i < count; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      picks.push(state % n);
    }
    return picks;
  }

  const n = 2 ** 20 + 12345;
  const bound = 2 * Math.log2(n) + 2;

  it('should look up at most 2*log2(n)+2 nodes for an inclusion proof', () => {
    for (const leafIndex of samples(n, 500)) {
      const plan = inclusionPlan(leafIndex, n);
      expect(nodesOf(plan).length).toBeLessThanOrEqual(bound);
      expect(countLookups((lookup) => resolve(plan, lookup))).toBeLessThanOrEqual(bound);
    }
  });

  it('should look up at most 2*log2(n)+2 nodes for a consistency proof', () => {
    for (const size1 of samples(n, 500)) {
      const plan = consistencyPlan(size1, n);
      expect(nodesOf(plan).length).toBeLessThanOrEqual(bound);
      expect(countLookups((lookup) => resolve(plan, lookup))).toBeLessThanOrEqual(bound);
    }
  });

  it('should look up at most log2(n)+1 nodes for a root', () => {
    expect(countLookups((lookup) => resolveRoot(rootPlan(n), lookup))).toBeLessThanOrEqual(
      Math.log2(n) + 1,
    );
  });
});

describe('plans near Number.MAX_SAFE_INTEGER', () => {
  // With identical leaves a node's hash depends only on its level, so this store is consistent
  // at any size while each lookup stays O(1).
  const byLevel = [hashLeaf(Buffer.from('same'))];
  const uniform: NodeLookup = (n) => {
    while (byLevel.length <= n.level) {
      const below = byLevel[byLevel.length - 1];
      byLevel.push(hashChildren(below, below));
    }
    return byLevel[n.level];
  };
  const big = Number.MAX_SAFE_INTEGER;

  it('should produce verifiable proofs with exact arithmetic', () => {
    const root = resolveRoot(rootPlan(big), uniform);
    for (const leafIndex of [0, 2 ** 52, big - 2, big - 1, 2 ** 40 + 7]) {
      const proof = resolve(inclusionPlan(leafIndex, big), uniform);
      expect(proof.length).toBeLessThanOrEqual(53);
      expect(
        verifyInclusion({ leafHash: byLevel[0], leafIndex, treeSize: big, proof, rootHash: root }),
      ).toBe(true);
    }
    for (const size1 of [1, 2 ** 52, big - 1, 2 ** 33 + 5]) {
      const root1 = resolveRoot(rootPlan(size1), uniform);
      const proof = resolve(consistencyPlan(size1, big), uniform);
      expect(verifyConsistency({ size1, size2: big, proof, root1, root2: root })).toBe(true);
    }
  });
});
