import * as fs from 'node:fs';
import * as path from 'node:path';
import { RFC6962_VECTORS_DIR as VECTORS_DIR } from '../../../../test/fixtures/rfc6962';
import { EMPTY_ROOT, hashLeaf } from './hash';
import { RootAccumulator } from './root-accumulator';
import { appendNodes, nodeKey, resolveRoot, rootPlan } from './tree';

interface ReferenceTree {
  leafInputs: string[];
  rootsBySize: string[];
}

const reference = JSON.parse(
  fs.readFileSync(path.join(VECTORS_DIR, 'reference-tree.json'), 'utf8'),
) as ReferenceTree;
const referenceLeaves = reference.leafInputs.map((h) => hashLeaf(Buffer.from(h, 'hex')));
const manyLeaves = Array.from({ length: 100 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));

function rootsOf(leafHashes: readonly Buffer[]): string[] {
  const acc = new RootAccumulator();
  const roots = [acc.root().toString('hex')];
  for (const leafHash of leafHashes) {
    acc.push(leafHash);
    roots.push(acc.root().toString('hex'));
  }
  return roots;
}

describe(RootAccumulator.name, () => {
  it('should reproduce the reference root of every prefix', () => {
    expect(rootsOf(referenceLeaves)).toEqual(reference.rootsBySize);
  });

  it('should start empty with EMPTY_ROOT', () => {
    const acc = new RootAccumulator();
    expect(acc.size).toBe(0);
    expect(acc.root().equals(EMPTY_ROOT)).toBe(true);
    expect(acc.root()).not.toBe(EMPTY_ROOT);
  });

  it('should keep one subtree hash per 1-bit of the size', () => {
    const acc = new RootAccumulator();
    manyLeaves.slice(0, 77).forEach((h) => acc.push(h));
    // 77 = 0b1001101
    expect(acc.subtrees()).toHaveLength(4);
  });

  it('should resume from toJSON/fromJSON with the same roots as an uninterrupted run', () => {
    const expected = rootsOf(manyLeaves);
    for (const stopAt of [0, 1, 31, 32, 33, 63, 99]) {
      const first = new RootAccumulator();
      manyLeaves.slice(0, stopAt).forEach((h) => first.push(h));
      const saved = JSON.parse(JSON.stringify(first)) as ReturnType<RootAccumulator['toJSON']>;
      const resumed = RootAccumulator.fromJSON(saved);
      expect(resumed.size).toBe(stopAt);
      expect(resumed.root().toString('hex')).toBe(expected[stopAt]);
      manyLeaves.slice(stopAt).forEach((h) => resumed.push(h));
      expect(resumed.root().toString('hex')).toBe(expected[manyLeaves.length]);
    }
  });

  it('should resume from the stored nodes that rootPlan names', () => {
    const store = new Map<string, Buffer>();
    manyLeaves.forEach((leafHash, i) => {
      for (const node of appendNodes(i, leafHash, (n) => store.get(nodeKey(n)))) {
        store.set(nodeKey(node), node.hash);
      }
    });
    const size = 45;
    const plan = rootPlan(size);
    const acc = RootAccumulator.fromSubtrees(
      size,
      plan.nodes.map((n) => store.get(nodeKey(n)) ?? Buffer.alloc(0)),
    );
    expect(acc.root().equals(resolveRoot(plan, (n) => store.get(nodeKey(n))))).toBe(true);
    manyLeaves.slice(size).forEach((h) => acc.push(h));
    expect(acc.root().equals(resolveRoot(rootPlan(100), (n) => store.get(nodeKey(n))))).toBe(true);
  });

  it('should reject inconsistent or malformed saved states', () => {
    const h = 'ab'.repeat(32);
    expect(() => RootAccumulator.fromJSON({ size: 3, hashes: [h] })).toThrow(RangeError);
    expect(() => RootAccumulator.fromJSON({ size: 1, hashes: ['xyz'] })).toThrow(RangeError);
    expect(() => RootAccumulator.fromJSON({ size: 1, hashes: [h.toUpperCase()] })).toThrow(
      RangeError,
    );
    expect(() => RootAccumulator.fromJSON({ size: -1, hashes: [] })).toThrow(RangeError);
    expect(() => RootAccumulator.fromJSON({ size: 0.5, hashes: [] })).toThrow(RangeError);
    expect(() => RootAccumulator.fromJSON(null as never)).toThrow(RangeError);
    expect(() => RootAccumulator.fromSubtrees(1, [Buffer.alloc(31)])).toThrow(RangeError);
    expect(RootAccumulator.fromJSON({ size: 0, hashes: [] }).root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('should reject leaf hashes that are not 32 bytes', () => {
    const acc = new RootAccumulator();
    expect(() => acc.push(Buffer.alloc(16))).toThrow(RangeError);
    expect(acc.size).toBe(0);
  });

  it('should not expose its internal buffers', () => {
    const acc = new RootAccumulator();
    const leaf = Buffer.from(manyLeaves[0]);
    acc.push(leaf);
    const before = acc.root().toString('hex');
    leaf.fill(0);
    acc.root().fill(0);
    acc.subtrees()[0].fill(0);
    acc.toJSON().hashes[0] = '';
    expect(acc.root().toString('hex')).toBe(before);
  });
});
