import { EMPTY_ROOT, hashChildren, isHash } from './hash';

/**
 * RFC 9162 Merkle tree arithmetic over a store of COMPLETE subtree hashes.
 *
 * The store never holds hashes of incomplete subtrees, because those change as the log grows.
 * Any hash the RFC needs (root, proof element) covers either a complete subtree or a range on
 * the right edge of the tree, and such a range is a handful of complete subtrees folded
 * right-to-left. So every computation here is "plan" (which stored nodes, O(log n) of them)
 * then "resolve" (fold the fetched hashes), letting the caller fetch all nodes in one query.
 *
 * Sizes and indices are JS numbers limited to Number.MAX_SAFE_INTEGER, where arithmetic is exact.
 */

/** Node `{level, index}` covers leaves [index·2^level, (index+1)·2^level); level 0 is a leaf. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface MerkleNode extends NodeId {
  readonly hash: Buffer;
}

/** Returns the stored hash of a complete subtree, or undefined when the store lacks it. */
export type NodeLookup = (id: NodeId) => Uint8Array | undefined;

/**
 * The RFC 9162 hash MTH(D[start:end]) of a range at the right edge of some tree: `nodes` are its
 * complete subtrees left to right (largest first); the hash is
 * hashChildren(n0, hashChildren(n1, … hashChildren(n[k-2], n[k-1]))). No nodes means MTH({}).
 */
export interface HashPlan {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly NodeId[];
}

/** A proof is a list of hashes; its plan is one HashPlan per element, in RFC order. */
export type ProofPlan = readonly HashPlan[];

/** The store lacks a node the plan needs: the store is corrupt or behind the requested size. */
export class MissingNodeError extends Error {
  constructor(readonly node: NodeId) {
    super(`Merkle node ${nodeKey(node)} is missing from the store or is not a 32-byte hash`);
    this.name = 'MissingNodeError';
  }
}

function checkCount(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a safe integer >= ${min}, got ${String(value)}`);
  }
}

/** Bits needed to write x. Exact for every safe integer, which Math.log2 is not near 2^53. */
function bitLength(x: number): number {
  const high = Math.floor(x / 2 ** 32);
  return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(x >>> 0);
}

/** RFC 9162's split point k: the largest power of two smaller than n (n >= 2). */
function splitWidth(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/** A stable string key, e.g. for a Map of fetched nodes or a composite DB key. */
export function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

/** The leaf range [start, end) a node covers; RangeError if it cannot exist in a safe-size tree. */
export function nodeRange(id: NodeId): { start: number; end: number } {
  checkCount('level', id.level);
  checkCount('index', id.index);
  const width = 2 ** id.level;
  const end = (id.index + 1) * width;
  if (!Number.isSafeInteger(end)) {
    throw new RangeError(`node ${nodeKey(id)} lies beyond the largest supported tree`);
  }
  return { start: end - width, end };
}

/**
 * The complete subtrees of [start, end), largest first, exactly as RFC 9162 splits MTH(D[start:end])
 * when the range is a subtree of a tree (start a multiple of the largest power of two <= size).
 * Other ranges are rejected: their MTH is not a fold of stored nodes.
 */
export function perfectSubtrees(start: number, end: number): NodeId[] {
  checkCount('start', start);
  checkCount('end', end, start);
  const size = end - start;
  if (size === 0) {
    return [];
  }
  const top = bitLength(size) - 1;
  if (start % 2 ** top !== 0) {
    throw new RangeError(`range [${start}, ${end}) is not a subtree of an RFC 9162 tree`);
  }
  const nodes: NodeId[] = [];
  let offset = start;
  for (let level = top; level >= 0; level--) {
    const width = 2 ** level;
    if (end - offset >= width) {
      nodes.push({ level, index: offset / width });
      offset += width;
    }
  }
  return nodes;
}

function planOf(start: number, end: number): HashPlan {
  return { start, end, nodes: perfectSubtrees(start, end) };
}

/**
 * Left siblings needed to hash the subtrees that leaf `leafIndex` completes: one per trailing 1-bit
 * of leafIndex, lowest level first.
 */
export function appendPlan(leafIndex: number): NodeId[] {
  checkCount('leafIndex', leafIndex);
  if (leafIndex >= Number.MAX_SAFE_INTEGER) {
    throw new RangeError('the tree cannot grow beyond Number.MAX_SAFE_INTEGER leaves');
  }
  const siblings: NodeId[] = [];
  for (let level = 0, index = leafIndex; index % 2 === 1; level++, index = (index - 1) / 2) {
    siblings.push({ level, index: index - 1 });
  }
  return siblings;
}

/** Every node that becomes complete when leaf `leafIndex` is appended, the leaf itself first. */
export function appendNodes(
  leafIndex: number,
  leafHash: Uint8Array,
  siblings: NodeLookup,
): MerkleNode[] {
  const plan = appendPlan(leafIndex);
  if (!isHash(leafHash)) {
    throw new RangeError('leafHash must be a 32-byte hash');
  }
  let hash: Buffer = Buffer.from(leafHash);
  const nodes: MerkleNode[] = [{ level: 0, index: leafIndex, hash }];
  for (const sibling of plan) {
    hash = hashChildren(fetchNode(siblings, sibling), hash);
    nodes.push({ level: sibling.level + 1, index: sibling.index / 2, hash });
  }
  return nodes;
}

/** MTH of the first `treeSize` leaves: popcount(treeSize) nodes. */
export function rootPlan(treeSize: number): HashPlan {
  checkCount('treeSize', treeSize);
  return planOf(0, treeSize);
}

/**
 * RFC 9162 §2.1.3.1 PATH(leafIndex, D[0:treeSize]), bottom-up. Only the first right sibling met
 * from the top can be incomplete, so the plan needs at most ~2·log2(treeSize) nodes.
 */
export function inclusionPlan(leafIndex: number, treeSize: number): HashPlan[] {
  checkCount('treeSize', treeSize, 1);
  checkCount('leafIndex', leafIndex);
  if (leafIndex >= treeSize) {
    throw new RangeError(`leafIndex ${leafIndex} is not in a tree of size ${treeSize}`);
  }
  const topDown: HashPlan[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const mid = start + splitWidth(end - start);
    if (leafIndex < mid) {
      topDown.push(planOf(mid, end));
      end = mid;
    } else {
      topDown.push(planOf(start, mid));
      start = mid;
    }
  }
  return topDown.reverse();
}

/**
 * RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true), bottom-up.
 * Empty when size1 is 0 or equals size2, as the RFC defines no proof for those cases.
 */
export function consistencyPlan(size1: number, size2: number): HashPlan[] {
  checkCount('size1', size1);
  checkCount('size2', size2);
  if (size1 > size2) {
    throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  }
  if (size1 === 0 || size1 === size2) {
    return [];
  }
  const topDown: HashPlan[] = [];
  let start = 0;
  let end = size2;
  // SUBPROOF's flag b: whether [start, end) is still a prefix the verifier knows the hash of.
  let knownPrefix = true;
  // Invariant: start < size1 <= end, so the loop ends when [start, end) is exactly the old tree.
  while (size1 !== end) {
    const mid = start + splitWidth(end - start);
    if (size1 <= mid) {
      topDown.push(planOf(mid, end));
      end = mid;
    } else {
      topDown.push(planOf(start, mid));
      start = mid;
      knownPrefix = false;
    }
  }
  if (!knownPrefix) {
    topDown.push(planOf(start, end));
  }
  return topDown.reverse();
}

/** The distinct nodes needed by all given plans, for fetching in one query. */
export function nodesOf(...plans: Array<HashPlan | ProofPlan>): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const item of plans) {
    for (const plan of isProofPlan(item) ? item : [item]) {
      for (const node of plan.nodes) {
        seen.set(nodeKey(node), node);
      }
    }
  }
  return [...seen.values()];
}

function isProofPlan(item: HashPlan | ProofPlan): item is ProofPlan {
  return Array.isArray(item);
}

function fetchNode(lookup: NodeLookup, id: NodeId): Uint8Array {
  const hash = lookup(id);
  if (!isHash(hash)) {
    throw new MissingNodeError(id);
  }
  return hash;
}

function foldPlan(plan: HashPlan, lookup: NodeLookup): Buffer {
  const { nodes } = plan;
  if (nodes.length === 0) {
    return Buffer.from(EMPTY_ROOT);
  }
  let acc: Buffer = Buffer.from(fetchNode(lookup, nodes[nodes.length - 1]));
  for (let i = nodes.length - 2; i >= 0; i--) {
    acc = hashChildren(fetchNode(lookup, nodes[i]), acc);
  }
  return acc;
}

/** The proof hashes, in plan order. Throws MissingNodeError if the lookup lacks a node. */
export function resolve(plan: ProofPlan, lookup: NodeLookup): Buffer[] {
  return plan.map((p) => foldPlan(p, lookup));
}

/** The single hash described by a plan, e.g. the root from rootPlan. */
export function resolveRoot(plan: HashPlan, lookup: NodeLookup): Buffer {
  return foldPlan(plan, lookup);
}
